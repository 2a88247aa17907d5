package dev.kiln.spark;

import dev.kiln.KilnException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one task returns to the driver after an epoch: its partition, the samples it trained on, its epoch loss and
 * metric means over them, and (partition 0 only) the checkpoint files of the epoch's end. It travels as bytes of
 * this class's own format, read back with every count checked against what is left.
 *
 * @param partition the task's partition
 * @param samples the samples the task trained on in the epoch
 * @param loss the task's mean loss over them
 * @param metrics the task's metric means over them, by name
 * @param checkpoint the checkpoint files, by name; empty but for partition 0
 * @param stopReason why training stopped inside the epoch (it diverged), empty when the epoch ran to its end
 */
record TaskReport(int partition, long samples, double loss, Map<String, Double> metrics,
                  Map<String, byte[]> checkpoint, String stopReason) {
    private static final int MAGIC = 0x4B535232;

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(partition);
            out.writeLong(samples);
            out.writeDouble(loss);
            out.writeUTF(stopReason);
            out.writeInt(metrics.size());
            for (Map.Entry<String, Double> m : metrics.entrySet()) {
                out.writeUTF(m.getKey());
                out.writeDouble(m.getValue());
            }
            out.writeInt(checkpoint.size());
            for (Map.Entry<String, byte[]> f : checkpoint.entrySet()) {
                out.writeUTF(f.getKey());
                out.writeInt(f.getValue().length);
                out.write(f.getValue());
            }
        } catch (IOException e) {
            throw new KilnException("cannot encode the report of partition " + partition + ": " + e, e);
        }
        return bytes.toByteArray();
    }

    static TaskReport decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new KilnException("a task's report does not start with Kiln's report header");
            }
            int partition = in.readInt();
            long samples = in.readLong();
            if (partition < 0 || samples < 0) {
                throw new KilnException("a task's report gives partition " + partition + " and " + samples
                        + " samples; both must be 0 or more");
            }
            double loss = in.readDouble();
            String stopReason = in.readUTF();
            int metricCount = count(in.readInt(), in.available(), "metrics");
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (int i = 0; i < metricCount; i++) {
                metrics.put(in.readUTF(), in.readDouble());
            }
            int fileCount = count(in.readInt(), in.available(), "checkpoint files");
            Map<String, byte[]> files = new TreeMap<>();
            for (int i = 0; i < fileCount; i++) {
                String name = CheckpointFiles.checked(in.readUTF());
                byte[] content = new byte[count(in.readInt(), in.available(), "bytes of " + name)];
                in.readFully(content);
                files.put(name, content);
            }
            if (in.available() > 0) {
                throw new KilnException("a task's report has " + in.available() + " bytes after its end");
            }
            return new TaskReport(partition, samples, loss, metrics, files, stopReason);
        } catch (EOFException e) {
            throw new KilnException("a task's report is truncated", e);
        } catch (IOException e) {
            throw new KilnException("cannot read a task's report: " + e, e);
        }
    }

    /** {@code value}, checked to be a count of items that fit in the {@code left} bytes that remain. */
    private static int count(int value, int left, String what) {
        if (value < 0 || value > left) {
            throw new KilnException("a task's report claims " + value + " " + what + " with " + left
                    + " bytes left");
        }
        return value;
    }
}
