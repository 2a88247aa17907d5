package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;

/**
 * Gives each sample a new shape with the same elements in the same order, [batch, ...] to [batch, ...target]; one
 * target axis may be -1, inferred from the others (Keras's {@code Reshape}). Turns [28, 28] images into
 * [28, 28, 1] for a convolution. No parameters, no copy.
 */
public final class Reshape extends SingleInputLayer {
    private final int[] target;

    /** The per-sample shape, without the batch axis; at most one -1. */
    public Reshape(int... target) {
        if (target == null || target.length == 0) {
            throw new KilnException("Reshape needs a target shape of at least one axis");
        }
        long inferred = Arrays.stream(target).filter(d -> d == -1).count();
        if (inferred > 1 || Arrays.stream(target).anyMatch(d -> d < 1 && d != -1)) {
            throw new KilnException("Reshape needs positive sizes and at most one -1, got " + Arrays.toString(target));
        }
        this.target = target.clone();
    }

    /** The target per-sample shape as given (with any -1). */
    public int[] target() {
        return target.clone();
    }

    @Override
    public Reshape named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        long known = Arrays.stream(target).filter(d -> d != -1).asLongStream().reduce(1, Math::multiplyExact);
        int[] dims = target.clone();
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] == -1) {
                if (inputShape.size() % known != 0) {
                    throw badInput("cannot reshape " + batchShape(inputShape) + " (" + inputShape.size()
                            + " values per sample) to " + Arrays.toString(target));
                }
                dims[d] = Math.toIntExact(inputShape.size() / known);
            }
        }
        Shape out = Shape.of(dims);
        if (out.size() != inputShape.size()) {
            throw badInput("cannot reshape " + batchShape(inputShape) + " (" + inputShape.size()
                    + " values per sample) to " + batchShape(out) + " (" + out.size() + ")");
        }
        return out;
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        return Ops.reshape(input, outputShape().prepend(input.shape().dim(0)));
    }
}
