package dev.kiln.opencl;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiled program binaries on disk, one file per {@link CacheKey} (device name, driver, platform and device
 * versions, build options, program text). A file holds a magic tag, the key's material, the binary's length and
 * CRC-32, then the binary. An entry whose tag, lengths or checksum is wrong is deleted, never trusted; one that holds
 * another key's material (the same file name) is a miss and is rebuilt. The checksum guards against damage on disk,
 * not against someone who can write the cache directory (who could rewrite any checksum): CRC-32 runs in the JDK's
 * native code at gigabytes a second, where a SHA-256 of the ~11 MB a PoCL training loads took 110-140 ms of its
 * startup.
 */
final class BinaryCache {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryCache.class);
    private static final byte[] MAGIC = "KILNCLB3".getBytes(StandardCharsets.US_ASCII);
    /** An entry past this many bytes of key material is damaged: a program's text is tens of kilobytes. */
    private static final int MAX_MATERIAL_BYTES = 1 << 24;

    private final Path directory;

    BinaryCache(Path directory) {
        this.directory = directory;
    }

    /** The key of one program's text built with {@code options} on {@code device}. */
    static CacheKey key(ClDevice device, String programText, String options) {
        return CacheKey.of(device.info().name(), device.info().driverVersion(), device.versions(), options,
                programText);
    }

    Path path(CacheKey key) {
        return directory.resolve(key.name() + ".bin");
    }

    /** The stored binary of {@code key}, or empty when absent, another key's or corrupt (then deleted). */
    Optional<byte[]> read(CacheKey key) {
        Path file = path(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            byte[] content = Files.readAllBytes(file);
            Optional<Entry> entry = Entry.parse(content);
            if (entry.isEmpty()) {
                if (otherVersion(content)) {
                    LOG.debug("replacing OpenCL binary cache entry {}, written in an earlier format", file);
                } else {
                    LOG.warn("discarding corrupt OpenCL binary cache entry {}", file);
                }
                discard(key);
            } else if (!Arrays.equals(entry.get().material(), key.material())) {
                LOG.debug("OpenCL binary cache entry {} holds another program", file);
            } else {
                return Optional.of(entry.get().binary());
            }
        } catch (IOException e) {
            LOG.warn("cannot read OpenCL binary cache entry {}: {}", file, e.getMessage());
        }
        return Optional.empty();
    }

    /** Stores a binary atomically; a failure to write only costs a rebuild later. */
    void write(CacheKey key, byte[] binary) {
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, "entry", ".tmp");
            Files.write(temporary, new Entry(key.material(), binary).bytes());
            Files.move(temporary, path(key), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot write OpenCL binary cache entry in {}: {}", directory, e.getMessage());
        }
    }

    void discard(CacheKey key) {
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            LOG.warn("cannot delete OpenCL binary cache entry {}: {}", path(key), e.getMessage());
        }
    }

    /** Whether {@code content} starts with the tag of another version of this format. */
    private static boolean otherVersion(byte[] content) {
        int family = MAGIC.length - 1;
        return content.length >= MAGIC.length && Arrays.equals(content, 0, family, MAGIC, 0, family)
                && content[family] != MAGIC[family];
    }

    /** One file's content: the key material it was built for and the binary. */
    record Entry(byte[] material, byte[] binary) {

        /** The magic tag, the material's length and the material, the binary's length and CRC-32, the binary. */
        byte[] bytes() {
            return ByteBuffer.allocate(MAGIC.length + Integer.BYTES + material.length + Long.BYTES + Integer.BYTES
                            + binary.length)
                    .put(MAGIC).putInt(material.length).put(material)
                    .putLong(binary.length).putInt(checksum(binary)).put(binary).array();
        }

        /** The entry {@code content} holds, or empty when its tag, a length or the checksum is wrong. */
        static Optional<Entry> parse(byte[] content) {
            if (content.length < MAGIC.length || !Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                return Optional.empty();
            }
            try {
                ByteBuffer in = ByteBuffer.wrap(content, MAGIC.length, content.length - MAGIC.length);
                int materialLength = in.getInt();
                if (materialLength < 0 || materialLength > Math.min(MAX_MATERIAL_BYTES, in.remaining())) {
                    return Optional.empty();
                }
                byte[] material = new byte[materialLength];
                in.get(material);
                long binaryLength = in.getLong();
                int checksum = in.getInt();
                if (binaryLength <= 0 || binaryLength != in.remaining()) {
                    return Optional.empty();
                }
                byte[] binary = new byte[(int) binaryLength];
                in.get(binary);
                return checksum(binary) == checksum ? Optional.of(new Entry(material, binary)) : Optional.empty();
            } catch (BufferUnderflowException e) {
                return Optional.empty();
            }
        }

        private static int checksum(byte[] binary) {
            CRC32 crc = new CRC32();
            crc.update(binary);
            return (int) crc.getValue();
        }
    }
}
