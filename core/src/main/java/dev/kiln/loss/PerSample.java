package dev.kiln.loss;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/** Reductions of a batch tensor [n, ...] to one value per sample [n]; losses and metrics share them. */
public final class PerSample {
    private PerSample() {
    }

    /** out[s] = mean over every feature of sample s (the first axis indexes samples). */
    public static Tensor mean(Tensor x) {
        return Ops.mean(bySample(x), 1);
    }

    /** out[s] = sum over every feature of sample s (the first axis indexes samples). */
    public static Tensor sum(Tensor x) {
        return Ops.sum(bySample(x), 1);
    }

    private static Tensor bySample(Tensor x) {
        if (x.rank() < 1 || x.shape().dim(0) == 0) {
            throw new KilnException("expected a batch with at least one sample along the first axis, got shape "
                    + x.shape());
        }
        int samples = x.shape().dim(0);
        return Ops.reshape(x, Shape.of(samples, Math.toIntExact(x.size() / samples)));
    }
}
