package dev.kiln.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes tensors in the safetensors format: an 8-byte little-endian header length, a JSON header padded with
 * spaces to a multiple of 8 bytes, then the little-endian data of each tensor, in name order.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} and string {@code metadata} to {@code target}, atomically. */
    public static void write(Path target, Map<String, StoredTensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        AtomicFiles.write(target, out -> write(out, header, new TreeMap<>(tensors)));
    }

    /** Writes {@code tensors} and string {@code metadata} to {@code out}. */
    public static void write(OutputStream out, Map<String, StoredTensor> tensors, Map<String, String> metadata)
            throws IOException {
        write(out, header(tensors, metadata), new TreeMap<>(tensors));
    }

    private static void write(OutputStream out, byte[] header, TreeMap<String, StoredTensor> tensors)
            throws IOException {
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        out.write(length.array());
        out.write(header);
        WritableByteChannel channel = Channels.newChannel(out);
        for (StoredTensor t : tensors.values()) {
            ByteBuffer data = t.data();
            while (data.hasRemaining()) {
                channel.write(data);
            }
        }
    }

    /** The UTF-8 JSON header, padded with spaces so that 8 + its length is a multiple of 8. */
    private static byte[] header(Map<String, StoredTensor> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsFormat.METADATA_KEY);
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, StoredTensor> e : new TreeMap<>(tensors).entrySet()) {
            if (e.getKey().equals(SafetensorsFormat.METADATA_KEY)) {
                throw new KilnException("a tensor cannot be named " + SafetensorsFormat.METADATA_KEY);
            }
            StoredTensor t = e.getValue();
            long end = offset + t.data().remaining();
            ObjectNode entry = root.putObject(e.getKey());
            entry.put(SafetensorsFormat.DTYPE, SafetensorsFormat.name(t.dtype()));
            ArrayNode shape = entry.putArray(SafetensorsFormat.SHAPE);
            for (int d : t.shape().dims()) {
                shape.add(d);
            }
            entry.putArray(SafetensorsFormat.DATA_OFFSETS).add(offset).add(end);
            offset = end;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }
}
