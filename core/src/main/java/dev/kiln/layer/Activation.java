package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/** Applies an {@link ActivationFunction} to its input; no parameters. */
public final class Activation extends SingleInputLayer {
    private final ActivationFunction function;

    /** A layer applying {@code function}. */
    public Activation(ActivationFunction function) {
        if (function == null) {
            throw new KilnException("Activation needs a function");
        }
        this.function = function;
    }

    /** The function applied. */
    public ActivationFunction function() {
        return function;
    }

    @Override
    public Activation named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    protected Shape outputShapeFor(Shape sampleShape) {
        boolean rowWise = function == ActivationFunction.SOFTMAX || function == ActivationFunction.LOG_SOFTMAX;
        if (rowWise && sampleShape.rank() == 0) {
            throw badInput(function.key() + " needs a class axis, got input shape " + batchShape(sampleShape));
        }
        return sampleShape;
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        return function.apply(input);
    }

    @Override
    protected boolean passesMask() {
        return true;
    }
}
