package dev.kiln.opencl;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * What a cached file is valid for ({@code material}: the device, driver, options and whole program text), and the
 * file name derived from it: its CRC-32, CRC-32C and length, which the JDK computes in native code and without a
 * security provider (setting up one for SHA-256 took 35 ms of a training's startup). The name only spreads entries
 * across files: an entry that must be exact (a binary) stores its material and is used only when that matches, so
 * two materials of the same name cost a rebuild, never a wrong program.
 */
record CacheKey(byte[] material) {

    /** The key of {@code parts}, joined by newlines. */
    static CacheKey of(String... parts) {
        return new CacheKey(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
    }

    /** 24 hex digits: CRC-32, CRC-32C and the low 32 bits of the length of the material. */
    String name() {
        CRC32 crc = new CRC32();
        crc.update(material);
        CRC32C crcC = new CRC32C();
        crcC.update(material);
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits((int) crc.getValue()) + hex.toHexDigits((int) crcC.getValue())
                + hex.toHexDigits(material.length);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CacheKey key && Arrays.equals(material, key.material);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(material);
    }
}
