package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.op.InPlaceOps;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Inverted dropout: in training, y = x * m / (1 - rate) with m ~ Bernoulli(1 - rate) per element, drawn from the
 * step's random stream (the same mask on every backend for a seed and step); in inference, y = x.
 */
public final class Dropout extends SingleInputLayer {
    private final double rate;

    /** Drops each input element with probability {@code rate}, in [0, 1). */
    public Dropout(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new KilnException("Dropout rate must lie in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    /** The probability of dropping an element. */
    public double rate() {
        return rate;
    }

    @Override
    public Dropout named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        return inputShape;
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        if (!context.training() || rate == 0) {
            return input;
        }
        // a layer run on its own (not in a model) takes its name as its place, so two such layers draw apart
        ForwardContext here = context.path().isEmpty() ? context.enter(name(), 0) : context;
        Tensor mask = InPlaceOps.bernoulli(input, input.shape(), 1 - rate, here.randomSeed());
        return Ops.mul(input, Ops.affine(mask, 1 / (1 - rate), 0));
    }

    @Override
    protected boolean passesMask() {
        return true;
    }
}
