package dev.kiln.monitor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads event files independently of the writer: its own CRC32C (bit by bit), its own little-endian and varint
 * parsing, fields looked up by number. Fails on any framing or checksum error.
 */
final class EventDecoder {

    /** One Summary.Value; the fields absent from it are null. */
    record Value(String tag, Float simpleValue, Histo histo, String pluginName, Long tensorDtype, String text) {
    }

    record Histo(double min, double max, double num, double sum, double sumSquares, double[] bucketLimits,
                 double[] buckets) {
    }

    record Event(double wallTime, long step, String fileVersion, List<Value> values) {
    }

    static final class CorruptRecord extends RuntimeException {
        CorruptRecord(String message) {
            super(message);
        }
    }

    private EventDecoder() {
    }

    static List<Event> read(Path file) throws IOException {
        return decode(Files.readAllBytes(file));
    }

    /** The events of every file in {@code directory}, in file-name order. */
    static List<Event> readDirectory(Path directory) throws IOException {
        List<Event> all = new ArrayList<>();
        try (var files = Files.list(directory)) {
            for (Path f : files.sorted().toList()) {
                all.addAll(read(f));
            }
        }
        return all;
    }

    static List<Event> decode(byte[] bytes) {
        List<Event> events = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            if (bytes.length - at < 12) {
                throw new CorruptRecord("truncated header at " + at);
            }
            long length = littleEndian(bytes, at, 8);
            if (littleEndian(bytes, at + 8, 4) != masked(crc32c(bytes, at, 8))) {
                throw new CorruptRecord("length checksum mismatch at " + at);
            }
            int dataAt = at + 12;
            if (length < 0 || dataAt + length + 4 > bytes.length) {
                throw new CorruptRecord("truncated record at " + at);
            }
            if (littleEndian(bytes, dataAt + (int) length, 4) != masked(crc32c(bytes, dataAt, (int) length))) {
                throw new CorruptRecord("data checksum mismatch at " + at);
            }
            byte[] data = new byte[(int) length];
            System.arraycopy(bytes, dataAt, data, 0, data.length);
            events.add(event(parse(data)));
            at = dataAt + (int) length + 4;
        }
        return events;
    }

    private static Event event(Map<Integer, List<Object>> fields) {
        double wallTime = Double.longBitsToDouble((Long) one(fields, 1));
        long step = fields.containsKey(2) ? (Long) one(fields, 2) : 0;
        String version = fields.containsKey(3) ? string(one(fields, 3)) : null;
        List<Value> values = new ArrayList<>();
        if (fields.containsKey(5)) {
            for (Object v : parse((byte[]) one(fields, 5)).getOrDefault(1, List.of())) {
                values.add(value(parse((byte[]) v)));
            }
        }
        return new Event(wallTime, step, version, values);
    }

    private static Value value(Map<Integer, List<Object>> f) {
        Float simple = f.containsKey(2) ? Float.intBitsToFloat((Integer) one(f, 2)) : null;
        Histo histo = f.containsKey(5) ? histo(parse((byte[]) one(f, 5))) : null;
        String plugin = null;
        if (f.containsKey(9)) {
            plugin = string(one(parse((byte[]) one(parse((byte[]) one(f, 9)), 1)), 1));
        }
        Long dtype = null;
        String text = null;
        if (f.containsKey(8)) {
            Map<Integer, List<Object>> tensor = parse((byte[]) one(f, 8));
            dtype = (Long) one(tensor, 1);
            if (!parse((byte[]) one(tensor, 2)).isEmpty()) {
                throw new CorruptRecord("a text tensor must be a scalar");
            }
            text = string(one(tensor, 8));
        }
        return new Value(string(one(f, 1)), simple, histo, plugin, dtype, text);
    }

    private static Histo histo(Map<Integer, List<Object>> f) {
        return new Histo(dbl(f, 1), dbl(f, 2), dbl(f, 3), dbl(f, 4), dbl(f, 5), packed((byte[]) one(f, 6)),
                packed((byte[]) one(f, 7)));
    }

    private static double dbl(Map<Integer, List<Object>> f, int field) {
        return Double.longBitsToDouble((Long) one(f, field));
    }

    private static double[] packed(byte[] bytes) {
        double[] values = new double[bytes.length / 8];
        for (int i = 0; i < values.length; i++) {
            values[i] = Double.longBitsToDouble(littleEndian(bytes, 8 * i, 8));
        }
        return values;
    }

    private static Object one(Map<Integer, List<Object>> fields, int number) {
        List<Object> values = fields.get(number);
        if (values == null || values.size() != 1) {
            throw new CorruptRecord("expected field " + number + " once, got " + values);
        }
        return values.get(0);
    }

    private static String string(Object bytes) {
        return new String((byte[]) bytes, StandardCharsets.UTF_8);
    }

    /** Fields by number: varints and fixed64 as Long, fixed32 as Integer, length-delimited as byte[]. */
    static Map<Integer, List<Object>> parse(byte[] m) {
        Map<Integer, List<Object>> fields = new LinkedHashMap<>();
        int[] at = {0};
        while (at[0] < m.length) {
            long key = varint(m, at);
            int number = (int) (key >>> 3);
            Object value = switch ((int) (key & 7)) {
                case 0 -> varint(m, at);
                case 1 -> {
                    long v = littleEndian(m, at[0], 8);
                    at[0] += 8;
                    yield v;
                }
                case 2 -> {
                    int n = (int) varint(m, at);
                    byte[] v = new byte[n];
                    System.arraycopy(m, at[0], v, 0, n);
                    at[0] += n;
                    yield v;
                }
                case 5 -> {
                    int v = (int) littleEndian(m, at[0], 4);
                    at[0] += 4;
                    yield v;
                }
                default -> throw new CorruptRecord("unknown wire type in key " + key);
            };
            fields.computeIfAbsent(number, k -> new ArrayList<>()).add(value);
        }
        return fields;
    }

    private static long varint(byte[] m, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = m[at[0]++] & 0xff;
            value |= (long) (b & 0x7f) << shift;
            if (b < 0x80) {
                return value;
            }
        }
        throw new CorruptRecord("varint too long");
    }

    private static long littleEndian(byte[] b, int at, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v;
    }

    /** Castagnoli CRC, reflected polynomial 0x82F63B78, bit by bit. */
    static long crc32c(byte[] b, int at, int n) {
        long crc = 0xffffffffL;
        for (int i = at; i < at + n; i++) {
            crc ^= b[i] & 0xff;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78L : crc >>> 1;
            }
        }
        return crc ^ 0xffffffffL;
    }

    static long masked(long crc) {
        long rotated = ((crc >>> 15) | (crc << 17)) & 0xffffffffL;
        return (rotated + 0xa282ead8L) & 0xffffffffL;
    }
}
