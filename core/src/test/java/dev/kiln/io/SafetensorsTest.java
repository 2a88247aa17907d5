package dev.kiln.io;

import static dev.kiln.io.SafetensorsFiles.bytes;
import static dev.kiln.io.SafetensorsFiles.concat;
import static dev.kiln.io.SafetensorsFiles.littleEndianDoubles;
import static dev.kiln.io.SafetensorsFiles.littleEndianFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.tensor.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void readsAFileWrittenByHand() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"s\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[16,24]},"
                + "\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[24,24]}}  ";
        Path file = write("hand.safetensors", bytes(header,
                concat(littleEndianFloats(1.5f, -2f, 0.25f, 1e-3f), littleEndianDoubles(Math.PI))));

        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            assertEquals(Map.of("format", "pt"), reader.metadata());
            assertEquals(List.of("w", "s", "e"), reader.entries().stream().map(SafetensorsEntry::name).toList());
            StoredTensor w = reader.read("w");
            assertEquals(DType.F32, w.dtype());
            assertEquals(Shape.of(2, 2), w.shape());
            assertArrayEquals(new float[] {1.5f, -2f, 0.25f, 1e-3f}, w.floats());
            StoredTensor s = reader.read("s");
            assertEquals(Shape.of(), s.shape());
            assertArrayEquals(new double[] {Math.PI}, s.doubles());
            assertEquals(0, reader.read("e").floats().length);
        }
    }

    @Test
    void writerOutputParsesWithAnIndependentParser() throws IOException {
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        tensors.put("dense_2/bias", StoredTensor.ofFloats(Shape.of(3), 0.5f, -1f, 7f));
        tensors.put("dense_1/kernel", StoredTensor.ofDoubles(Shape.of(2, 1), 1.25, -3e-9));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafetensorsWriter.write(out, tensors, Map.of("kiln", "test"));
        byte[] file = out.toByteArray();

        ByteBuffer buf = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);
        assertEquals(0, (8 + n) % 8, "header padded to a multiple of 8");
        String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{"));
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) MinimalJson.parse(header);
        assertEquals(List.of("__metadata__", "dense_1/kernel", "dense_2/bias"), List.copyOf(json.keySet()),
                "metadata first, then tensors in name order");
        assertEquals(Map.of("kiln", "test"), json.get("__metadata__"));

        Map<?, ?> kernel = (Map<?, ?>) json.get("dense_1/kernel");
        assertEquals("F64", kernel.get("dtype"));
        assertEquals(List.of(2L, 1L), kernel.get("shape"));
        assertEquals(List.of(0L, 16L), kernel.get("data_offsets"));
        Map<?, ?> bias = (Map<?, ?>) json.get("dense_2/bias");
        assertEquals("F32", bias.get("dtype"));
        assertEquals(List.of(16L, 28L), bias.get("data_offsets"));
        assertEquals(8 + n + 28, file.length, "data section is exactly the tensors' bytes");

        int data = 8 + (int) n;
        assertEquals(1.25, buf.getDouble(data));
        assertEquals(-3e-9, buf.getDouble(data + 8));
        assertEquals(0.5f, buf.getFloat(data + 16));
        assertEquals(-1f, buf.getFloat(data + 20));
        assertEquals(7f, buf.getFloat(data + 24));
    }

    @Test
    void roundTripsThroughAFile() {
        Map<String, StoredTensor> tensors = Map.of(
                "a", StoredTensor.ofFloats(Shape.of(2, 3), 1, 2, 3, 4, 5, Float.NaN),
                "b", StoredTensor.ofDoubles(Shape.of(1), Double.MIN_VALUE),
                "c", StoredTensor.ofFloats(Shape.of(0)));
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of());
        assertEquals(tensors, SafetensorsReader.readAll(file));
    }

    @Test
    void rejectsShapesThatDoNotMatchTheModel() {
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, Map.of("dense/kernel", StoredTensor.ofFloats(Shape.of(2, 3), new float[6])),
                Map.of());
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            assertMessage(assertThrows(KilnException.class,
                    () -> reader.expectShapes(Map.of("dense/kernel", Shape.of(3, 2)))),
                    "dense/kernel", "[2, 3]", "expected [3, 2]");
            assertMessage(assertThrows(KilnException.class,
                    () -> reader.expectShapes(Map.of("dense/kernel", Shape.of(2, 3), "dense/bias", Shape.of(3)))),
                    "missing", "dense/bias");
            assertMessage(assertThrows(KilnException.class, () -> reader.expectShapes(Map.of())),
                    "unexpected", "dense/kernel");
            reader.expectShapes(Map.of("dense/kernel", Shape.of(2, 3)));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"t\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,8]}}|'t'|F16|not supported",
        "{\"t\":{\"dtype\":\"X9\",\"shape\":[2],\"data_offsets\":[0,8]}}|'t'|X9|unknown",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}|'t'|dimension 0|-2",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}|'t'|integer|2.0",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}|'t'|hold 8 bytes|expected 12",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}|'t'|end before they begin|[8, 0]",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}|'t'|leave a gap|begin at 0",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}|'t'|overflows|[2147483647",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}|'t'|unknown field 'extra'|expected dtype",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[2]}}|'t'|data_offsets must be|nothing",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}|not valid JSON|Duplicate field|'t'",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}|cover 4 bytes|holds 8 bytes|after the header",
        "{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}|cover 16 bytes|holds 8 bytes|truncated",
        "{\"__metadata__\":{\"k\":1},\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}|__metadata__|'k'|must be a string",
        "[1,2]|header must start with '{'|found '['|[",
        "{\"t\":[1,2]} x|not valid JSON|header|x",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}|overlap|begin at|'b'",
    })
    void rejectsInvalidHeadersNamingTheProblem(String header, String part1, String part2, String part3) throws IOException {
        Path file = write("bad.safetensors", bytes(header, littleEndianFloats(1, 2)));
        KilnException e = assertThrows(KilnException.class, () -> SafetensorsReader.readAll(file));
        assertMessage(e, "bad.safetensors", part1, part2, part3);
    }

    @Test
    void rejectsBadHeaderLengths() throws IOException {
        byte[] valid = validFile();
        assertMessage(assertThrows(KilnException.class,
                () -> SafetensorsReader.open(write("short.safetensors", Arrays.copyOf(valid, 5)))),
                "short.safetensors", "5 bytes", "8-byte");
        byte[] huge = valid.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200_000_000L);
        assertMessage(assertThrows(KilnException.class, () -> SafetensorsReader.open(write("huge.safetensors", huge))),
                "header length 200000000", "100000000");
        byte[] negative = valid.clone();
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        assertMessage(assertThrows(KilnException.class, () -> SafetensorsReader.open(write("neg.safetensors", negative))),
                "18446744073709551615");
        byte[] past = valid.clone();
        ByteBuffer.wrap(past).order(ByteOrder.LITTLE_ENDIAN).putLong(0, valid.length);
        assertMessage(assertThrows(KilnException.class, () -> SafetensorsReader.open(write("past.safetensors", past))),
                "runs past the end", valid.length + " bytes");
    }

    @Test
    void rejectsInvalidUtf8AndControlCharacters() throws IOException {
        byte[] file = bytes("{\"\u00e9\":{}}", new byte[0]);
        file[10] = (byte) 0xC3;
        file[11] = (byte) 0x28;
        assertMessage(assertThrows(KilnException.class, () -> SafetensorsReader.open(write("utf.safetensors", file))),
                "not valid UTF-8");
        byte[] control = bytes("{\"a\\u0001\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", new byte[0]);
        assertMessage(assertThrows(KilnException.class,
                () -> SafetensorsReader.open(write("ctl.safetensors", control))), "control characters", "a\\u0001");
    }

    @Test
    void reportsAMissingFile() {
        assertMessage(assertThrows(KilnException.class, () -> SafetensorsReader.open(dir.resolve("none.safetensors"))),
                "none.safetensors", "not found");
    }

    static byte[] validFile() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        tensors.put("dense_1/kernel", StoredTensor.ofFloats(Shape.of(2, 3), 1, 2, 3, 4, 5, 6));
        tensors.put("dense_1/bias", StoredTensor.ofFloats(Shape.of(3), 0.1f, 0.2f, 0.3f));
        tensors.put("scale", StoredTensor.ofDoubles(Shape.of(), 2.5));
        SafetensorsWriter.write(out, tensors, Map.of("kiln.format", "1"));
        return out.toByteArray();
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    static void assertMessage(Throwable e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
    }
}
