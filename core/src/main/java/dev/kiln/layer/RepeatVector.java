package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeOps;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Collections;

/**
 * Repeats a vector along a new time axis, Keras's {@code RepeatVector}: {@code [batch, features]} becomes
 * {@code [batch, n, features]}, the input of a decoder that reads an encoder's summary at every step.
 */
public final class RepeatVector extends SingleInputLayer {
    private final int n;

    /** Repeats the input {@code n} times. */
    public RepeatVector(int n) {
        if (n < 1) {
            throw new KilnException("RepeatVector needs n >= 1 repetitions, got " + n);
        }
        this.n = n;
    }

    /** The number of repetitions. */
    public int n() {
        return n;
    }

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        if (inputShape.rank() != 1) {
            throw badInput("expected vectors [batch, features], got " + batchShape(inputShape));
        }
        return Shape.of(n, inputShape.dim(0));
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        Tensor row = Ops.reshape(input, Shape.of(input.shape().dim(0), 1, input.shape().dim(1)));
        return ShapeOps.concat(Collections.nCopies(n, row), 1);
    }
}
