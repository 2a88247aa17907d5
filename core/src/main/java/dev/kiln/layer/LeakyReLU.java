package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/** Leaky rectifier with a chosen slope, as Keras's {@code LeakyReLU}: y = x if x &gt; 0 else negativeSlope * x. */
public final class LeakyReLU extends SingleInputLayer {
    /** Keras's default slope for negative inputs. */
    public static final double DEFAULT_NEGATIVE_SLOPE = 0.3;

    private final double negativeSlope;

    /** A leaky rectifier with Keras's default slope, {@value #DEFAULT_NEGATIVE_SLOPE}. */
    public LeakyReLU() {
        this(DEFAULT_NEGATIVE_SLOPE);
    }

    /** A leaky rectifier multiplying negative inputs by {@code negativeSlope}, finite and at least 0 (0.2 in GANs). */
    public LeakyReLU(double negativeSlope) {
        if (!(Double.isFinite(negativeSlope) && negativeSlope >= 0)) {
            throw new KilnException("LeakyReLU negative slope must be a finite number >= 0, got " + negativeSlope);
        }
        this.negativeSlope = negativeSlope;
    }

    /** The factor applied to negative inputs. */
    public double negativeSlope() {
        return negativeSlope;
    }

    @Override
    public LeakyReLU named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        return inputShape;
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        return Ops.leakyRelu(input, negativeSlope);
    }

    @Override
    protected boolean passesMask() {
        return true;
    }
}
