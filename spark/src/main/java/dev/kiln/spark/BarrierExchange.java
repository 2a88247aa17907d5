package dev.kiln.spark;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.HostCopies;
import dev.kiln.train.TrainableModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The tasks of one barrier stage combining values: every task sends its arrays and sample count, and every task
 * sums what all sent in partition order, each weighted by its share of the samples, so that all get the same bits.
 */
final class BarrierExchange {
    private static final int FINGERPRINT_BYTES = 32;
    private final TaskGroup group;

    BarrierExchange(TaskGroup group) {
        this.group = group;
    }

    int partition() {
        return group.partition();
    }

    /**
     * The sum over all tasks, in partition order, of each task's arrays (null, or the values of the tensor at the same
     * place in {@code like}) weighted by its share of the samples; an array no task sent stays null.
     */
    double[][] weightedSum(long samples, double[][] arrays, List<Tensor> like, DType dtype) {
        boolean wide = dtype == DType.F64;
        int[] lengths = like.stream().mapToInt(t -> Math.toIntExact(t.size())).toArray();
        byte[][] messages = group.allGather(Payload.encode(samples, arrays, wide), Payload.maxBytes(lengths, wide));
        Payload.Decoded[] sent = new Payload.Decoded[messages.length];
        long total = 0;
        for (int p = 0; p < messages.length; p++) {
            sent[p] = Payload.decode(messages[p], lengths, wide, "partition " + p);
            total += sent[p].samples();
        }
        double[][] sum = new double[arrays.length][];
        for (Payload.Decoded d : sent) {
            double weight = total == 0 ? 0 : (double) d.samples() / total;
            for (int i = 0; i < sum.length; i++) {
                double[] values = d.arrays()[i];
                if (values != null) {
                    sum[i] = HostCopies.addScaled(sum[i], values, weight);
                }
            }
        }
        return sum;
    }

    /**
     * Moves this task's random streams (dropout masks) away from the other tasks': each task numbers its steps' streams
     * from its partition times 2^40, so tasks with the same seed draw different masks for their slices. Partition 0
     * keeps the model's own numbering, which its checkpoints record.
     */
    void separateRandomStreams(TrainableModel model) {
        model.trainingSteps(model.trainingSteps() + ((long) partition() << 40));
    }

    /** Whether every value of every present array is finite. */
    static boolean allFinite(double[][] arrays) {
        for (double[] values : arrays) {
            if (values != null) {
                for (double v : values) {
                    if (!Double.isFinite(v)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * Fails on every task when the tasks' models do not hold the same weights: a model factory that does not build
     * the same model on every call would train replicas that drift apart.
     */
    void checkSameWeights(TrainableModel model) {
        byte[][] all = group.allGather(fingerprint(model), FINGERPRINT_BYTES);
        for (int p = 0; p < all.length; p++) {
            if (!Arrays.equals(all[p], all[0])) {
                throw new KilnException("the model of partition " + p + " starts from other weights than partition"
                        + " 0's: the model factory must build the same model on every call (give the model a fixed"
                        + " seed, and build and compile it the same way)");
            }
        }
    }

    private static byte[] fingerprint(TrainableModel model) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            model.namedWeights().forEach((name, tensor) -> {
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                ByteBuffer bits = ByteBuffer.allocate(8);
                for (double v : tensor.toDoubleArray()) {
                    digest.update(bits.clear().putDouble(v).array());
                }
            });
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new KilnException("SHA-256 is not available in this JVM", e);
        }
    }
}
