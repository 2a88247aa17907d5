package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.KilnException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutates valid safetensors files and checks that the reader only ever answers with a {@link KilnException}. */
class SafetensorsFuzzTest {
    private static final int ITERATIONS = 4000;

    @TempDir
    Path dir;

    @Test
    void mutatedFilesNeverThrowAnythingButKilnException() throws IOException {
        byte[] valid = SafetensorsTest.validFile();
        int headerLength = (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(valid, 8, headerLength, StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(valid, 8 + headerLength, valid.length);
        List<BiFunction<Random, byte[], byte[]>> mutations = List.of(
                (r, v) -> Arrays.copyOf(v, r.nextInt(v.length)),
                (r, v) -> flipBits(r, v, 1 + r.nextInt(8), v.length),
                (r, v) -> flipBits(r, v, 1 + r.nextInt(4), 8 + headerLength),
                (r, v) -> withLength(v, r.nextLong()),
                (r, v) -> withLength(v, r.nextInt(v.length * 2)),
                (r, v) -> rebuild(header.replaceFirst("\"shape\":\\[[0-9,]*]", "\"shape\":[" + hugeShape(r) + "]"), data),
                (r, v) -> rebuild(header.replaceFirst("\"data_offsets\":\\[[0-9]+,[0-9]+]",
                        "\"data_offsets\":[" + offset(r) + "," + offset(r) + "]"), data),
                (r, v) -> rebuild(duplicateFirstTensor(header), data),
                (r, v) -> rebuild(mutateText(r, header), data),
                (r, v) -> randomBytes(r, data),
                (r, v) -> rebuild(header, Arrays.copyOf(data, r.nextInt(data.length * 2 + 1))));

        Random random = new Random(20261123);
        Path file = dir.resolve("fuzz.safetensors");
        int accepted = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            int kind = random.nextInt(mutations.size());
            byte[] mutant = mutations.get(kind).apply(random, valid.clone());
            Files.write(file, mutant);
            try {
                SafetensorsReader.readAll(file);
                accepted++;
            } catch (KilnException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz.safetensors"), expected.getMessage());
            } catch (Throwable other) {
                fail("mutation " + kind + " at iteration " + i + " threw " + other + " for bytes "
                        + Arrays.toString(mutant), other);
            }
        }
        assertTrue(accepted < ITERATIONS / 2, "most mutants must be rejected, " + accepted + " were accepted");
    }

    private static byte[] flipBits(Random r, byte[] v, int count, int limit) {
        for (int i = 0; i < count; i++) {
            v[r.nextInt(limit)] ^= (byte) (1 << r.nextInt(8));
        }
        return v;
    }

    private static byte[] withLength(byte[] v, long length) {
        ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        return v;
    }

    private static String hugeShape(Random r) {
        String[] dims = {"4294967296", "9223372036854775807", "99999999999999999999999", "2147483647", "-1", "0",
            "1e9", "3"};
        StringBuilder out = new StringBuilder();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            out.append(i == 0 ? "" : ",").append(dims[r.nextInt(dims.length)]);
        }
        return out.toString();
    }

    private static String offset(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> Long.toString(r.nextInt(64));
            case 1 -> Long.toString(Long.MAX_VALUE - r.nextInt(3));
            case 2 -> "18446744073709551615";
            default -> Long.toString(r.nextInt(1 << 30));
        };
    }

    private static String duplicateFirstTensor(String header) {
        int start = header.indexOf("\"dense_1/bias\"");
        int end = header.indexOf('}', start) + 1;
        return header.substring(0, end) + "," + header.substring(start, end) + header.substring(end);
    }

    private static String mutateText(Random r, String header) {
        StringBuilder s = new StringBuilder(header.strip());
        String alphabet = "{}[]\",:0123456789-eE. \\uF32x\u0000\u00ff";
        int edits = 1 + r.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int at = r.nextInt(s.length());
            switch (r.nextInt(3)) {
                case 0 -> s.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                case 1 -> s.deleteCharAt(at);
                default -> s.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
            }
        }
        return s.toString();
    }

    private static byte[] randomBytes(Random r, byte[] data) {
        byte[] header = new byte[2 + r.nextInt(64)];
        r.nextBytes(header);
        if (r.nextBoolean()) {
            header[0] = '{';
        }
        return SafetensorsFiles.concat(lengthPrefix(header.length), header, data);
    }

    private static byte[] rebuild(String header, byte[] data) {
        return SafetensorsFiles.bytes(header, data);
    }

    private static byte[] lengthPrefix(long length) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array();
    }
}
