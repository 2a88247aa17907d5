package dev.kiln.data.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class IdxReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(IdxType.class)
    void everyTypeRoundTripsRawAndGzip(IdxType type) {
        double[] values = {0, 1, -2, 100, 3.5, -7.25};
        double[] expected = Arrays.stream(values).map(v -> narrowed(type, v)).toArray();
        IdxArray written = IdxArray.of(type, new int[] {2, 3}, values);
        for (String name : new String[] {"a.idx", "a.idx.gz"}) {
            Path file = dir.resolve(name);
            IdxWriter.write(written, file);
            IdxArray read = IdxReader.read(file);
            assertEquals(new IdxHeader(type, new int[] {2, 3}), read.header());
            double[] got = new double[6];
            for (int i = 0; i < 6; i++) {
                got[i] = read.get(i);
            }
            assertArrayEquals(expected, got, name + " " + type);
        }
    }

    @Test
    void readsHandWrittenBigEndianBytesAsUnsigned() throws IOException {
        // magic 0x00000803, dims 2 x 1 x 2, pixels 0, 255, 128, 7
        byte[] bytes = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, (byte) 255, (byte) 128, 7};
        Path file = dir.resolve("images");
        Files.write(file, bytes);
        IdxArray array = IdxReader.read(file);
        assertArrayEquals(new int[] {2, 1, 2}, array.header().dimensions());
        assertArrayEquals(new int[] {0, 255, 128, 7}, array.toInts());
        assertArrayEquals(new float[] {0, 1, 128 / 255f, 7 / 255f}, array.toFloats(1 / 255f), 1e-7f);
        assertEquals(2, IdxReader.readHeader(file).count());
    }

    @Test
    void readsShortIntAndDoubleBigEndian() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8 + 8);
        buffer.putInt(0x00000E01).putInt(1).putDouble(-0.1);
        Path file = dir.resolve("double");
        Files.write(file, buffer.array());
        assertEquals(-0.1, IdxReader.read(file).get(0));
    }

    @Test
    void truncatedRawFileNamesFileAndSizes() throws IOException {
        Path file = dir.resolve("t.idx");
        IdxWriter.write(IdxArray.of(IdxType.FLOAT, new int[] {4, 2}, new double[8]), file);
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 3));
        KilnException e = assertThrows(KilnException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("needs 44 bytes"), e.getMessage());
    }

    @Test
    void hugeDimensionsInATinyFileFailBeforeAllocating() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(20);
        buffer.putInt(0x00000D03).putInt(60000).putInt(28000).putInt(28);
        Path file = dir.resolve("huge");
        Files.write(file, buffer.array());
        KilnException e = assertThrows(KilnException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().contains("more than"), e.getMessage());
    }

    @Test
    void dimensionsWhoseProductOverflowsAreRejected() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(16);
        buffer.putInt(0x00000E03).putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE);
        Path file = dir.resolve("overflow");
        Files.write(file, buffer.array());
        assertThrows(KilnException.class, () -> IdxReader.read(file));
    }

    @Test
    void corruptHeadersAreReportedPrecisely() throws IOException {
        assertMessage(new byte[] {1, 0, 8, 1, 0, 0, 0, 1, 5}, "two zero bytes");
        assertMessage(new byte[] {0, 0, 7, 1, 0, 0, 0, 1, 5}, "unknown IDX type code 0x7");
        assertMessage(new byte[] {0, 0, 8, 0}, "0 dimensions");
        assertMessage(new byte[] {0, 0, 8, 2, 0, 0, 0, 1}, "truncated header");
        assertMessage(new byte[] {0, 0, 8, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, "positive size");
        assertMessage(new byte[] {0, 0}, "too short");
        assertMessage(new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 5, 6}, "1 bytes after");
    }

    @Test
    void truncatedGzipIsAClearError() throws IOException {
        Path file = dir.resolve("t.idx.gz");
        double[] values = new double[4000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i * 31) % 251;
        }
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {40, 100}, values), file);
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length / 2));
        KilnException e = assertThrows(KilnException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("truncated"),
                e.getMessage());
    }

    @Test
    void gzipWithMissingPayloadOrExtraDataFails() throws IOException {
        Path shortFile = dir.resolve("short.gz");
        Files.write(shortFile, gzip(new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 1, 2}));
        KilnException e = assertThrows(KilnException.class, () -> IdxReader.read(shortFile));
        assertTrue(e.getMessage().contains("only 2 follow"), e.getMessage());

        Path longFile = dir.resolve("long.gz");
        Files.write(longFile, gzip(new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 1, 2}));
        e = assertThrows(KilnException.class, () -> IdxReader.read(longFile));
        assertTrue(e.getMessage().contains("continues after"), e.getMessage());
    }

    @Test
    void gzipClaimingMoreThanDeflateCanHoldFailsBeforeAllocating() throws IOException {
        Path file = dir.resolve("bomb.gz");
        Files.write(file, gzip(ByteBuffer.allocate(12).putInt(0x00000E02).putInt(10000).putInt(10000).array()));
        KilnException e = assertThrows(KilnException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().contains("gzip file can hold"), e.getMessage());
    }

    @Test
    void corruptGzipDataIsAClearError() throws IOException {
        byte[] zipped = gzip(new byte[] {0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4});
        for (int i = 10; i < zipped.length - 8; i++) {
            zipped[i] = (byte) 0xFF;
        }
        Path file = dir.resolve("corrupt.gz");
        Files.write(file, zipped);
        KilnException e = assertThrows(KilnException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @Test
    void toIntsRefusesFloatingPoint() {
        IdxArray array = IdxArray.of(IdxType.FLOAT, new int[] {1}, 1.5);
        assertThrows(KilnException.class, array::toInts);
        assertThrows(KilnException.class, () -> array.get(1));
    }

    private void assertMessage(byte[] bytes, String expected) throws IOException {
        Path file = dir.resolve("bad");
        Files.write(file, bytes);
        KilnException e = assertThrows(KilnException.class, () -> IdxReader.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains(expected),
                e.getMessage() + " should mention " + expected);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    private static double narrowed(IdxType type, double v) {
        return switch (type) {
            case UNSIGNED_BYTE -> ((int) v) & 0xFF;
            case SIGNED_BYTE -> (byte) v;
            case SHORT -> (short) v;
            case INT -> (int) v;
            case FLOAT -> (float) v;
            case DOUBLE -> v;
        };
    }
}
