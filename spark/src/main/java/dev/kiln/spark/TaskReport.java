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
    private static final String MESSAGE = "a task's report";

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
            WireFormat.writeFiles(checkpoint, out);
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
            int metricCount = WireFormat.count(in.readInt(), in.available(), "metrics", MESSAGE);
            Map<String, Double> metrics = new LinkedHashMap<>();
            for (int i = 0; i < metricCount; i++) {
                metrics.put(in.readUTF(), in.readDouble());
            }
            Map<String, byte[]> files = WireFormat.readFiles(in, MESSAGE);
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
}
