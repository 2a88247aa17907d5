package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Distribution;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Writes into existing tensors: what layers' state updates, initializers and training utilities need without
 * reaching for a backend. Nothing here is recorded for autograd.
 */
public final class InPlaceOps {
    private InPlaceOps() {
    }

    /** target = source, element by element; same shape, backend and dtype. */
    public static void assign(Tensor target, Tensor source) {
        Ops.checkCompatible("assign", target, source);
        if (!target.shape().equals(source.shape())) {
            throw new KilnException("assign: cannot write a tensor of shape " + source.shape() + " into one of shape "
                    + target.shape());
        }
        target.backend().copy(source.buffer(), 0, target.buffer(), 0, target.size());
    }

    /** target = value everywhere. */
    public static void fill(Tensor target, double value) {
        target.backend().fill(target.buffer(), value);
    }

    /**
     * target = counter-based random numbers of {@code distribution} with parameters a and b (see
     * {@link Distribution}); a seed gives the same numbers on every backend.
     */
    public static void random(Tensor target, Distribution distribution, long seed, double a, double b) {
        target.backend().random(distribution, seed, 0, a, b, target.buffer());
    }

    /** A new tensor of shape {@code shape} like {@code like} (backend, dtype) holding 1 with probability keep, else 0. */
    public static Tensor bernoulli(Tensor like, Shape shape, double keep, long seed) {
        if (!(keep >= 0 && keep <= 1)) {
            throw new KilnException("bernoulli: keep probability must lie in [0, 1], got " + keep);
        }
        Tensor mask = Tensor.empty(like.backend(), like.dtype(), shape);
        random(mask, Distribution.BERNOULLI, seed, keep, 0);
        return mask;
    }
}
