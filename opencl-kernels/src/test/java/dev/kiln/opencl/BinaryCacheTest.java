package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binary cache's keys and entry format, without a device: what is stored is read back, anything else refused. */
class BinaryCacheTest {
    private static final CacheKey KEY = CacheKey.of("device", "driver 1.0", "OpenCL 3.0", "", "kernel void f() {}");

    private static byte[] binary(int length) {
        byte[] binary = new byte[length];
        new Random(length).nextBytes(binary);
        return binary;
    }

    @Test
    void anEntryReadsBackItsBinary(@TempDir Path directory) {
        BinaryCache cache = new BinaryCache(directory);
        byte[] binary = binary(100_003);
        cache.write(KEY, binary);
        assertArrayEquals(binary, cache.read(KEY).orElseThrow());
        assertTrue(cache.read(CacheKey.of("another program")).isEmpty());
    }

    @Test
    void keysNameFilesByTheirWholeMaterial() {
        assertEquals(24, KEY.name().length());
        assertTrue(KEY.name().matches("[0-9a-f]+"), KEY.name());
        assertEquals(KEY, CacheKey.of("device", "driver 1.0", "OpenCL 3.0", "", "kernel void f() {}"));
        assertEquals(KEY.name(), CacheKey.of("device", "driver 1.0", "OpenCL 3.0", "", "kernel void f() {}").name());
        CacheKey oneCharacter = CacheKey.of("device", "driver 1.0", "OpenCL 3.0", "", "kernel void g() {}");
        assertNotEquals(KEY, oneCharacter);
        assertNotEquals(KEY.name(), oneCharacter.name());
        assertNotEquals(KEY.name(), CacheKey.of("device", "driver 1.0", "OpenCL 3.0", "-O1", "kernel void f() {}")
                .name());
    }

    @Test
    void anEntryOfAnotherProgramUnderTheSameNameIsAMiss(@TempDir Path directory) throws IOException {
        BinaryCache cache = new BinaryCache(directory);
        CacheKey other = CacheKey.of("another device");
        cache.write(other, binary(512));
        // the other program's entry where this key's file is: a file name shared by two materials
        Files.move(cache.path(other), cache.path(KEY));
        assertTrue(cache.read(KEY).isEmpty(), "a binary built for another key was handed out");
    }

    @Test
    void everyFlippedByteIsRefused(@TempDir Path directory) throws IOException {
        BinaryCache cache = new BinaryCache(directory);
        cache.write(KEY, binary(64));
        byte[] entry = Files.readAllBytes(cache.path(KEY));
        for (int i = 0; i < entry.length; i++) {
            byte[] damaged = entry.clone();
            damaged[i] ^= 0x01;
            Files.write(cache.path(KEY), damaged);
            assertTrue(cache.read(KEY).isEmpty(), "a flipped bit at byte " + i);
        }
    }

    @Test
    void truncatedExtendedAndForeignEntriesAreRefused() {
        byte[] entry = new BinaryCache.Entry(KEY.material(), binary(1_000)).bytes();
        assertTrue(BinaryCache.Entry.parse(entry).isPresent());
        assertTrue(BinaryCache.Entry.parse(Arrays.copyOf(entry, entry.length - 1)).isEmpty(), "truncated");
        assertTrue(BinaryCache.Entry.parse(Arrays.copyOf(entry, entry.length + 1)).isEmpty(), "a byte appended");
        assertTrue(BinaryCache.Entry.parse(Arrays.copyOf(entry, 20)).isEmpty(), "inside the material");
        assertTrue(BinaryCache.Entry.parse(new byte[0]).isEmpty(), "empty");
        byte[] hugeMaterial = entry.clone();
        hugeMaterial[8] = 0x7f;
        assertTrue(BinaryCache.Entry.parse(hugeMaterial).isEmpty(), "a material longer than the file");
        byte[] olderFormat = entry.clone();
        olderFormat[7] = '2';
        assertTrue(BinaryCache.Entry.parse(olderFormat).isEmpty(), "another format's tag");
    }

    @Test
    void aCorruptEntryIsDeletedOnRead(@TempDir Path directory) throws IOException {
        BinaryCache cache = new BinaryCache(directory);
        cache.write(KEY, binary(4_096));
        Path file = cache.path(KEY);
        byte[] content = Files.readAllBytes(file);
        content[content.length - 1] ^= 0x40;
        Files.write(file, content);
        assertTrue(cache.read(KEY).isEmpty());
        assertFalse(Files.exists(file), "the damaged entry is deleted");
        Files.write(file, "not a cache entry".getBytes(StandardCharsets.US_ASCII));
        assertTrue(cache.read(KEY).isEmpty());
        assertFalse(Files.exists(file));
        try (var left = Files.list(directory)) {
            assertEquals(0, left.count(), "no temporary file is left behind");
        }
    }
}
