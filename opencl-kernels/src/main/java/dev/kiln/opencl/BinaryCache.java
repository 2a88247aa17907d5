package dev.kiln.opencl;

import java.io.IOException;
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
 * Compiled program binaries on disk, one file per key (device name, driver, platform and device versions, source
 * hash, build options). A file holds a magic tag, the binary's length and CRC-32, then the binary; an entry whose
 * length or checksum does not match is deleted, never trusted. The checksum guards against damage on disk, not against
 * someone who can write the cache directory (who could rewrite any checksum): CRC-32 runs in the JDK's native code at
 * gigabytes a second, where a SHA-256 of the ~11 MB a PoCL training loads took 110-140 ms of its startup.
 */
final class BinaryCache {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryCache.class);
    private static final byte[] MAGIC = "KILNCLB2".getBytes(StandardCharsets.US_ASCII);
    /** The magic tag, the binary's length (a long) and its CRC-32 (an int). */
    private static final int HEADER_BYTES = MAGIC.length + Long.BYTES + Integer.BYTES;

    private final Path directory;

    BinaryCache(Path directory) {
        this.directory = directory;
    }

    /** The cache file name for one program built with {@code options} on {@code device}. */
    static String key(ClDevice device, String sourceHash, String options) {
        return ProgramSource.sha256(String.join("\n", device.info().name(), device.info().driverVersion(),
                device.versions(), sourceHash, options)) + ".bin";
    }

    Path path(String key) {
        return directory.resolve(key);
    }

    /** The stored binary, or empty when absent or corrupt (a corrupt entry is deleted). */
    Optional<byte[]> read(String key) {
        Path file = path(key);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            byte[] content = Files.readAllBytes(file);
            Optional<byte[]> binary = binary(content);
            if (binary.isPresent()) {
                return binary;
            }
            if (otherVersion(content)) {
                LOG.debug("replacing OpenCL binary cache entry {}, written in an earlier format", file);
            } else {
                LOG.warn("discarding corrupt OpenCL binary cache entry {}", file);
            }
            discard(key);
        } catch (IOException e) {
            LOG.warn("cannot read OpenCL binary cache entry {}: {}", file, e.getMessage());
        }
        return Optional.empty();
    }

    /** The binary an entry's {@code content} holds, or empty when its tag, length or checksum is wrong. */
    static Optional<byte[]> binary(byte[] content) {
        if (content.length <= HEADER_BYTES || !Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return Optional.empty();
        }
        ByteBuffer header = ByteBuffer.wrap(content, MAGIC.length, Long.BYTES + Integer.BYTES);
        long length = header.getLong();
        int checksum = header.getInt();
        if (length != content.length - HEADER_BYTES) {
            return Optional.empty();
        }
        byte[] binary = Arrays.copyOfRange(content, HEADER_BYTES, content.length);
        return checksum(binary) == checksum ? Optional.of(binary) : Optional.empty();
    }

    /** Whether {@code content} starts with the tag of another version of this format. */
    private static boolean otherVersion(byte[] content) {
        int family = MAGIC.length - 1;
        return content.length >= MAGIC.length && Arrays.equals(content, 0, family, MAGIC, 0, family)
                && content[family] != MAGIC[family];
    }

    /** An entry holding {@code binary}. */
    static byte[] entry(byte[] binary) {
        return ByteBuffer.allocate(HEADER_BYTES + binary.length).put(MAGIC).putLong(binary.length)
                .putInt(checksum(binary)).put(binary).array();
    }

    private static int checksum(byte[] binary) {
        CRC32 crc = new CRC32();
        crc.update(binary);
        return (int) crc.getValue();
    }

    /** Stores a binary atomically; a failure to write only costs a rebuild later. */
    void write(String key, byte[] binary) {
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, "entry", ".tmp");
            Files.write(temporary, entry(binary));
            Files.move(temporary, path(key), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot write OpenCL binary cache entry in {}: {}", directory, e.getMessage());
        }
    }

    void discard(String key) {
        try {
            Files.deleteIfExists(path(key));
        } catch (IOException e) {
            LOG.warn("cannot delete OpenCL binary cache entry {}: {}", path(key), e.getMessage());
        }
    }
}
