package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The validated header of a safetensors file: its entries in data order, its metadata, and where the data
 * section starts. Validation reads only the header and the file length, so nothing is allocated in proportion
 * to what the header claims.
 */
record SafetensorsHeader(List<SafetensorsEntry> entries, Map<String, String> metadata, long dataStart) {
    // root object -> tensor object -> shape array
    private static final ObjectMapper JSON = StrictJson.mapper(3);
    private static final Set<String> ENTRY_KEYS = Set.of(SafetensorsFormat.DTYPE, SafetensorsFormat.SHAPE,
            SafetensorsFormat.DATA_OFFSETS);

    /** Reads and validates the header of {@code channel}; {@code source} names the file in errors. */
    static SafetensorsHeader read(SeekableByteChannel channel, String source) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new KilnException(source + ": file is " + fileSize + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, 0, lengthBytes, source);
        long headerLength = lengthBytes.getLong(0);
        if (headerLength < 2 || headerLength > SafetensorsFormat.MAX_HEADER_BYTES) {
            throw new KilnException(source + ": header length " + Long.toUnsignedString(headerLength)
                    + " is outside [2, " + SafetensorsFormat.MAX_HEADER_BYTES + "] bytes");
        }
        if (headerLength > fileSize - 8) {
            throw new KilnException(source + ": header length " + headerLength + " runs past the end of the file ("
                    + fileSize + " bytes)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, 8, headerBytes, source);
        String text = decodeUtf8(headerBytes, source);
        if (text.charAt(0) != '{') {
            throw new KilnException(source + ": header must start with '{', found '" + printable(text.charAt(0)) + "'");
        }
        JsonNode root = StrictJson.parseObject(JSON, text, source + " header");
        long dataStart = 8 + headerLength;
        return validate(root, fileSize - dataStart, dataStart, source);
    }

    private static SafetensorsHeader validate(JsonNode root, long dataLength, long dataStart, String source) {
        List<SafetensorsEntry> entries = new ArrayList<>();
        Map<String, String> metadata = Map.of();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(SafetensorsFormat.METADATA_KEY)) {
                metadata = metadata(field.getValue(), source);
            } else {
                entries.add(entry(field.getKey(), field.getValue(), source));
            }
        }
        entries.sort(Comparator.comparingLong(SafetensorsEntry::begin).thenComparingLong(SafetensorsEntry::end));
        long position = 0;
        for (SafetensorsEntry e : entries) {
            if (e.begin() != position) {
                throw new KilnException(source + ": tensor '" + e.name() + "': data_offsets [" + e.begin() + ", "
                        + e.end() + "] " + (e.begin() < position ? "overlap the previous tensor" : "leave a gap")
                        + ": expected it to begin at " + position);
            }
            position = e.end();
        }
        if (position != dataLength) {
            throw new KilnException(source + ": tensors cover " + position + " bytes of data but the file holds "
                    + dataLength + " bytes after the header" + (position > dataLength ? " (truncated?)" : ""));
        }
        return new SafetensorsHeader(Collections.unmodifiableList(entries), metadata, dataStart);
    }

    private static SafetensorsEntry entry(String name, JsonNode node, String source) {
        String where = source + ": tensor '" + printable(name) + "'";
        checkName(name, where);
        if (!node.isObject()) {
            throw new KilnException(where + ": expected an object with dtype, shape and data_offsets");
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!ENTRY_KEYS.contains(key)) {
                throw new KilnException(where + ": unknown field '" + printable(key)
                        + "'; expected dtype, shape, data_offsets");
            }
        }
        DType dtype = dtype(node.get(SafetensorsFormat.DTYPE), where);
        int[] dims = shape(node.get(SafetensorsFormat.SHAPE), where);
        long[] offsets = offsets(node.get(SafetensorsFormat.DATA_OFFSETS), where);
        long elements = 1;
        long bytes;
        try {
            for (int d : dims) {
                elements = Math.multiplyExact(elements, d);
            }
            bytes = Math.multiplyExact(elements, dtype.bytes());
        } catch (ArithmeticException e) {
            throw new KilnException(where + ": shape " + Arrays.toString(dims) + " of " + dtype
                    + " overflows a 64-bit byte count");
        }
        if (offsets[1] - offsets[0] != bytes) {
            throw new KilnException(where + ": data_offsets [" + offsets[0] + ", " + offsets[1] + "] hold "
                    + (offsets[1] - offsets[0]) + " bytes, expected " + bytes + " for " + dtype + " shape "
                    + Arrays.toString(dims));
        }
        return new SafetensorsEntry(name, dtype, Shape.of(dims), offsets[0], offsets[1]);
    }

    private static void checkName(String name, String where) {
        if (name.isEmpty()) {
            throw new KilnException(where + ": tensor names must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new KilnException(where + ": tensor names must not contain control characters");
            }
        }
    }

    private static DType dtype(JsonNode node, String where) {
        if (node == null || !node.isTextual()) {
            throw new KilnException(where + ": dtype must be a string such as \"F32\", found " + describe(node));
        }
        String name = node.textValue();
        return SafetensorsFormat.dtype(name).orElseThrow(() -> new KilnException(where + ": dtype \""
                + printable(name) + "\" is " + (SafetensorsFormat.isOtherKnown(name) ? "not supported" : "unknown")
                + "; expected F32 or F64"));
    }

    private static int[] shape(JsonNode node, String where) {
        if (node == null || !node.isArray()) {
            throw new KilnException(where + ": shape must be an array of integers, found " + describe(node));
        }
        int[] dims = new int[node.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = node.get(i);
            boolean valid = d.isIntegralNumber() && d.canConvertToLong() && d.longValue() >= 0
                    && d.longValue() <= Integer.MAX_VALUE;
            if (!valid) {
                throw new KilnException(where + ": shape dimension " + i + " must be an integer in [0, "
                        + Integer.MAX_VALUE + "], found " + describe(d));
            }
            dims[i] = d.intValue();
        }
        return dims;
    }

    private static long[] offsets(JsonNode node, String where) {
        if (node == null || !node.isArray() || node.size() != 2) {
            throw new KilnException(where + ": data_offsets must be an array [begin, end], found " + describe(node));
        }
        long[] offsets = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode o = node.get(i);
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
                throw new KilnException(where + ": data_offsets must hold non-negative integers, found " + describe(o));
            }
            offsets[i] = o.longValue();
        }
        if (offsets[1] < offsets[0]) {
            throw new KilnException(where + ": data_offsets [" + offsets[0] + ", " + offsets[1]
                    + "] end before they begin");
        }
        return offsets;
    }

    private static Map<String, String> metadata(JsonNode node, String source) {
        if (!node.isObject()) {
            throw new KilnException(source + ": __metadata__ must be an object of strings, found " + describe(node));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw new KilnException(source + ": __metadata__ value '" + printable(field.getKey())
                        + "' must be a string, found " + describe(field.getValue()));
            }
            metadata.put(field.getKey(), field.getValue().textValue());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static String decodeUtf8(ByteBuffer bytes, String source) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes.flip())
                    .toString();
        } catch (CharacterCodingException e) {
            throw new KilnException(source + ": header is not valid UTF-8");
        }
    }

    /** Reads {@code target.remaining()} bytes at {@code position}, or fails naming the truncation. */
    static void readFully(SeekableByteChannel channel, long position, ByteBuffer target, String source)
            throws IOException {
        channel.position(position);
        while (target.hasRemaining()) {
            if (channel.read(target) < 0) {
                throw new KilnException(source + ": file ended early at byte " + channel.position());
            }
        }
    }

    private static String describe(JsonNode node) {
        if (node == null) {
            return "nothing";
        }
        String text = node.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static String printable(char c) {
        return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().limit(80).forEach(c -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", c)
                : new String(Character.toChars(c))));
        return s.codePointCount(0, s.length()) > 80 ? out + "..." : out.toString();
    }
}
