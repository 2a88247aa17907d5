package dev.kiln.spark;

import dev.kiln.KilnException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * What the driver hands every task of one epoch: the layout, the settings and the checkpoint to start from. It
 * travels inside the task function as bytes of this class's own format, read back with every count checked, so that
 * the model's state never passes through Java serialization as objects.
 *
 * @param plan the layout of the samples
 * @param epoch the epoch's number, from 1
 * @param shuffle whether each task shuffles its shard
 * @param seed the fit's seed
 * @param backend the backend each task trains on
 * @param averageEverySteps 0 to sum gradients every step, else the steps between averages of the weights
 * @param patience how long a task waits for another
 * @param checkpoint the checkpoint files the epoch starts from; empty for the first epoch of a fresh run
 */
record EpochSpec(ShardPlan plan, int epoch, boolean shuffle, long seed, String backend, int averageEverySteps,
                 Duration patience, Map<String, byte[]> checkpoint) {
    private static final int MAGIC = 0x4B534531;
    private static final String MESSAGE = "an epoch's specification";

    static EpochSpec of(ShardPlan plan, int epoch, SparkFitOptions options, Map<String, byte[]> checkpoint) {
        return new EpochSpec(plan, epoch, options.shuffle(), options.seed(), options.backend(),
                options.averageEverySteps(), options.patience(), checkpoint);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeLong(plan.samples());
            out.writeInt(plan.batchSize());
            out.writeInt(plan.partitions());
            out.writeInt(epoch);
            out.writeBoolean(shuffle);
            out.writeLong(seed);
            out.writeUTF(backend);
            out.writeInt(averageEverySteps);
            out.writeLong(patience.toMillis());
            WireFormat.writeFiles(checkpoint, out);
        } catch (IOException e) {
            throw new KilnException("cannot encode epoch " + epoch + "'s specification: " + e, e);
        }
        return bytes.toByteArray();
    }

    static EpochSpec decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new KilnException(MESSAGE + " does not start with its header");
            }
            ShardPlan plan = new ShardPlan(in.readLong(), in.readInt(), in.readInt());
            int epoch = in.readInt();
            boolean shuffle = in.readBoolean();
            long seed = in.readLong();
            String backend = in.readUTF();
            int averageEverySteps = in.readInt();
            long patienceMillis = in.readLong();
            if (epoch < 1 || averageEverySteps < 0 || patienceMillis <= 0) {
                throw new KilnException(MESSAGE + " gives epoch " + epoch + ", averaging every " + averageEverySteps
                        + " steps and a patience of " + patienceMillis + " ms");
            }
            Map<String, byte[]> files = WireFormat.readFiles(in, MESSAGE);
            if (in.available() > 0) {
                throw new KilnException(MESSAGE + " has " + in.available() + " bytes after its end");
            }
            return new EpochSpec(plan, epoch, shuffle, seed, backend, averageEverySteps,
                    Duration.ofMillis(patienceMillis), files);
        } catch (EOFException e) {
            throw new KilnException(MESSAGE + " is truncated", e);
        } catch (IOException e) {
            throw new KilnException("cannot read " + MESSAGE + ": " + e, e);
        }
    }
}
