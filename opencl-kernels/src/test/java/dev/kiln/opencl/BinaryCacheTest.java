package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binary cache's entry format, without a device: what is stored is read back, anything damaged is refused. */
class BinaryCacheTest {
    private static byte[] binary(int length) {
        byte[] binary = new byte[length];
        new Random(length).nextBytes(binary);
        return binary;
    }

    @Test
    void anEntryReadsBackItsBinary(@TempDir Path directory) {
        BinaryCache cache = new BinaryCache(directory);
        byte[] binary = binary(100_003);
        cache.write("k.bin", binary);
        assertArrayEquals(binary, cache.read("k.bin").orElseThrow());
        assertTrue(cache.read("absent.bin").isEmpty());
    }

    @Test
    void everyFlippedByteIsDetected() {
        byte[] entry = BinaryCache.entry(binary(64));
        for (int i = 0; i < entry.length; i++) {
            byte[] damaged = entry.clone();
            damaged[i] ^= 0x01;
            assertTrue(BinaryCache.binary(damaged).isEmpty(), "a flipped bit at byte " + i);
        }
    }

    @Test
    void truncatedExtendedAndForeignEntriesAreRefused() {
        byte[] entry = BinaryCache.entry(binary(1_000));
        assertTrue(BinaryCache.binary(entry).isPresent());
        assertTrue(BinaryCache.binary(Arrays.copyOf(entry, entry.length - 1)).isEmpty(), "truncated");
        assertTrue(BinaryCache.binary(Arrays.copyOf(entry, entry.length + 1)).isEmpty(), "a byte appended");
        assertTrue(BinaryCache.binary(Arrays.copyOf(entry, 20)).isEmpty(), "the header alone");
        assertTrue(BinaryCache.binary(new byte[0]).isEmpty(), "empty");
        byte[] olderFormat = entry.clone();
        olderFormat[7] = '1';
        assertTrue(BinaryCache.binary(olderFormat).isEmpty(), "another format's tag");
    }

    @Test
    void aCorruptEntryIsDeletedOnRead(@TempDir Path directory) throws IOException {
        BinaryCache cache = new BinaryCache(directory);
        cache.write("k.bin", binary(4_096));
        Path file = cache.path("k.bin");
        byte[] content = Files.readAllBytes(file);
        content[content.length - 1] ^= 0x40;
        Files.write(file, content);
        assertTrue(cache.read("k.bin").isEmpty());
        assertFalse(Files.exists(file), "the damaged entry is deleted");
        Files.write(file, "not a cache entry".getBytes(StandardCharsets.US_ASCII));
        assertTrue(cache.read("k.bin").isEmpty());
        assertFalse(Files.exists(file));
        try (var left = Files.list(directory)) {
            assertEquals(0, left.count(), "no temporary file is left behind");
        }
    }
}
