package dev.kiln.spark;

import dev.kiln.KilnException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** The parts Kiln's own messages between the driver and the tasks share: counts checked, and checkpoint files. */
final class WireFormat {
    private WireFormat() {
    }

    /** {@code value}, checked to be a count of items that fit in the {@code left} bytes that remain. */
    static int count(int value, int left, String what, String message) {
        if (value < 0 || value > left) {
            throw new KilnException(message + " claims " + value + " " + what + " with " + left + " bytes left");
        }
        return value;
    }

    static void writeFiles(Map<String, byte[]> files, DataOutputStream out) throws IOException {
        out.writeInt(files.size());
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            out.writeUTF(f.getKey());
            out.writeInt(f.getValue().length);
            out.write(f.getValue());
        }
    }

    /** Checkpoint files as {@link #writeFiles} wrote them, every name and length checked before allocating. */
    static Map<String, byte[]> readFiles(DataInputStream in, String message) throws IOException {
        int fileCount = count(in.readInt(), in.available(), "checkpoint files", message);
        Map<String, byte[]> files = new TreeMap<>();
        for (int i = 0; i < fileCount; i++) {
            String name = CheckpointFiles.checked(in.readUTF());
            byte[] content = new byte[count(in.readInt(), in.available(), "bytes of " + name, message)];
            in.readFully(content);
            files.put(name, content);
        }
        return files;
    }
}
