package dev.kiln.samples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarExtractorTest {
    @TempDir
    Path dir;

    @Test
    void extractsOnlyTheWantedEntries() throws IOException {
        byte[] big = new byte[1500];
        Arrays.fill(big, (byte) 7);
        Path archive = dir.resolve("p.tgz");
        Files.write(archive, tgz(entry("package/readme.md", "hello".getBytes(StandardCharsets.US_ASCII)),
                entry("package/data/a", big), entry("package/data/b", new byte[] {1, 2, 3})));

        int written = TarExtractor.extract(archive, Map.of("package/data/a", dir.resolve("a"),
                "package/data/b", dir.resolve("b")));

        assertEquals(2, written);
        assertArrayEquals(big, Files.readAllBytes(dir.resolve("a")));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("b")));
        assertFalse(Files.exists(dir.resolve("readme.md")));
    }

    @Test
    void archiveEndingInsideAnEntryFails() throws IOException {
        byte[] tar = entry("package/data/a", new byte[2000]);
        Path archive = dir.resolve("cut.tgz");
        Files.write(archive, tgz(Arrays.copyOf(tar, 1024)));
        assertThrows(EOFException.class,
                () -> TarExtractor.extract(archive, Map.of("package/data/a", dir.resolve("a"))));
    }

    private static byte[] entry(String name, byte[] data) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 124, String.format("%011o", data.length));
        header[156] = '0';
        put(header, 257, "ustar");
        Arrays.fill(header, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xFF;
        }
        put(header, 148, String.format("%06o", sum));
        int padded = (data.length + 511) / 512 * 512;
        byte[] out = new byte[512 + padded];
        System.arraycopy(header, 0, out, 0, 512);
        System.arraycopy(data, 0, out, 512, data.length);
        return out;
    }

    private static void put(byte[] header, int at, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, at, bytes.length);
    }

    private static byte[] tgz(byte[]... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            for (byte[] e : entries) {
                zip.write(e);
            }
            zip.write(new byte[1024]);
        }
        return out.toByteArray();
    }
}
