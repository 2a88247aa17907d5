package dev.kiln.opencl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiled program binaries on disk, one file per key (device name, driver, platform and device versions, source
 * hash, build options). A file holds a magic tag, the SHA-256 of the binary and the binary; an entry whose checksum
 * does not match is deleted, never trusted.
 */
final class BinaryCache {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryCache.class);
    private static final byte[] MAGIC = "KILNCLB1".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST_BYTES = 32;

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
            int header = MAGIC.length + DIGEST_BYTES;
            if (content.length > header && Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                byte[] binary = Arrays.copyOfRange(content, header, content.length);
                byte[] digest = Arrays.copyOfRange(content, MAGIC.length, header);
                if (Arrays.equals(digest, HexFormat.of().parseHex(ProgramSource.sha256(binary)))) {
                    return Optional.of(binary);
                }
            }
            LOG.warn("discarding corrupt OpenCL binary cache entry {}", file);
            discard(key);
        } catch (IOException e) {
            LOG.warn("cannot read OpenCL binary cache entry {}: {}", file, e.getMessage());
        }
        return Optional.empty();
    }

    /** Stores a binary atomically; a failure to write only costs a rebuild later. */
    void write(String key, byte[] binary) {
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, "entry", ".tmp");
            ByteBuffer content = ByteBuffer.allocate(MAGIC.length + DIGEST_BYTES + binary.length);
            content.put(MAGIC).put(HexFormat.of().parseHex(ProgramSource.sha256(binary))).put(binary);
            Files.write(temporary, content.array());
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
