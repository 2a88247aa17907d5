package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a safetensors file after validating its whole header against the file's length: opening it allocates
 * only the header, and each tensor's bytes are read on request.
 */
public final class SafetensorsReader implements AutoCloseable {
    private final FileChannel channel;
    private final String source;
    private final SafetensorsHeader header;
    private final Map<String, SafetensorsEntry> byName = new LinkedHashMap<>();

    private SafetensorsReader(FileChannel channel, String source, SafetensorsHeader header) {
        this.channel = channel;
        this.source = source;
        this.header = header;
        for (SafetensorsEntry e : header.entries()) {
            byName.put(e.name(), e);
        }
    }

    /** Opens {@code path} and validates its header; every problem is a {@link KilnException} naming the file. */
    public static SafetensorsReader open(Path path) {
        String source = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new KilnException(source + ": file not found (" + path + ")");
        } catch (IOException e) {
            throw new KilnException(source + ": cannot open: " + e.getMessage(), e);
        }
        try {
            return new SafetensorsReader(channel, source, SafetensorsHeader.read(channel, source));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new KilnException(source + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Reads every tensor of {@code path}, in data order. */
    public static Map<String, StoredTensor> readAll(Path path) {
        try (SafetensorsReader reader = open(path)) {
            Map<String, StoredTensor> out = new LinkedHashMap<>();
            for (SafetensorsEntry e : reader.entries()) {
                out.put(e.name(), reader.read(e.name()));
            }
            return out;
        }
    }

    /** The tensors listed in the header, in data order. */
    public List<SafetensorsEntry> entries() {
        return header.entries();
    }

    /** The header's {@code __metadata__} (empty when absent). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /**
     * Checks that the file holds exactly the tensors named in {@code expected}, each with the expected shape;
     * call it before reading anything into a model.
     */
    public void expectShapes(Map<String, Shape> expected) {
        TreeSet<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(byName.keySet());
        if (!missing.isEmpty()) {
            throw new KilnException(source + ": missing tensor" + (missing.size() > 1 ? "s " : " ")
                    + quoted(missing) + "; the file holds " + quoted(new TreeSet<>(byName.keySet())));
        }
        TreeSet<String> extra = new TreeSet<>(byName.keySet());
        extra.removeAll(expected.keySet());
        if (!extra.isEmpty()) {
            throw new KilnException(source + ": unexpected tensor" + (extra.size() > 1 ? "s " : " ") + quoted(extra)
                    + "; expected " + quoted(new TreeSet<>(expected.keySet())));
        }
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            Shape found = byName.get(e.getKey()).shape();
            if (!found.equals(e.getValue())) {
                throw new KilnException(source + ": tensor '" + e.getKey() + "' has shape " + found + ", expected "
                        + e.getValue());
            }
        }
    }

    /** The tensor named {@code name}, read from the file. */
    public StoredTensor read(String name) {
        SafetensorsEntry entry = byName.get(name);
        if (entry == null) {
            throw new KilnException(source + ": no tensor named '" + name + "'");
        }
        if (entry.byteLength() > Integer.MAX_VALUE - 8) {
            throw new KilnException(source + ": tensor '" + name + "' holds " + entry.byteLength()
                    + " bytes; Kiln reads tensors of at most 2 GiB");
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) entry.byteLength());
        try {
            SafetensorsHeader.readFully(channel, header.dataStart() + entry.begin(), bytes, source);
        } catch (IOException e) {
            throw new KilnException(source + ": cannot read tensor '" + name + "': " + e.getMessage(), e);
        }
        return new StoredTensor(entry.dtype(), entry.shape(), bytes.flip());
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static String quoted(Iterable<String> names) {
        StringBuilder out = new StringBuilder("[");
        for (String n : names) {
            out.append(out.length() > 1 ? ", '" : "'").append(n).append('\'');
        }
        return out.append(']').toString();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written through this channel, so a failing close loses nothing
        }
    }
}
