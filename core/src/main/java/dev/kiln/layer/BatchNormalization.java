package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradMode;
import dev.kiln.init.Initializers;
import dev.kiln.op.InPlaceOps;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Batch normalisation over the last axis, for inputs of any rank: y = (x - mean) / sqrt(var + epsilon) * gamma
 * + beta per feature. Training uses the batch's mean and (biased) variance over every other axis and moves the
 * running statistics: moving = momentum * moving + (1 - momentum) * batch; inference uses the running statistics,
 * and so does a frozen layer ({@code trainable(false)}) in training, as in Keras, so fine-tuning leaves them.
 * Defaults as in Keras: momentum 0.99, epsilon 0.001, learnable scale (gamma) and shift (beta).
 */
public final class BatchNormalization extends SingleInputLayer {
    private double momentum = 0.99;
    private double epsilon = 1e-3;
    private boolean center = true;
    private boolean scale = true;
    private Tensor gamma;
    private Tensor beta;
    private Tensor movingMean;
    private Tensor movingVariance;

    /** How much of the running statistics each training step keeps, in [0, 1] (0.99 by default). */
    public BatchNormalization momentum(double value) {
        checkNotBuilt("change the momentum of");
        if (!(value >= 0 && value <= 1)) {
            throw new KilnException("BatchNormalization momentum must lie in [0, 1], got " + value);
        }
        this.momentum = value;
        return this;
    }

    /** Added to the variance before the square root, positive (0.001 by default). */
    public BatchNormalization epsilon(double value) {
        checkNotBuilt("change the epsilon of");
        if (!(value > 0)) {
            throw new KilnException("BatchNormalization epsilon must be positive, got " + value);
        }
        this.epsilon = value;
        return this;
    }

    /** Whether a learnable shift beta is added (true by default). */
    public BatchNormalization center(boolean value) {
        checkNotBuilt("change the shift of");
        this.center = value;
        return this;
    }

    /** Whether a learnable scale gamma multiplies (true by default). */
    public BatchNormalization scale(boolean value) {
        checkNotBuilt("change the scale of");
        this.scale = value;
        return this;
    }

    public double momentum() {
        return momentum;
    }

    public double epsilon() {
        return epsilon;
    }

    public boolean centers() {
        return center;
    }

    public boolean scales() {
        return scale;
    }

    @Override
    public BatchNormalization named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        if (inputShape.rank() == 0) {
            throw badInput("needs a feature axis, got input shape " + batchShape(inputShape));
        }
        return inputShape;
    }

    @Override
    protected void createParameters(Shape inputShape, ParameterFactory factory) {
        Shape features = Shape.of(inputShape.dim(-1));
        if (scale) {
            gamma = addParameter(factory, "gamma", features, Initializers.constant(1), 1, 1);
        }
        if (center) {
            beta = addParameter(factory, "beta", features, Initializers.zeros(), 1, 1);
        }
        movingMean = addState(factory, "moving_mean", features, Initializers.zeros());
        movingVariance = addState(factory, "moving_variance", features, Initializers.constant(1));
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        int features = input.shape().dim(-1);
        Tensor rows = Ops.reshape(input, Shape.of(Math.toIntExact(input.size() / features), features));
        Tensor normalized;
        if (context.training() && trainable()) {
            Tensor mean = Ops.mean(rows, 0);
            Tensor centered = Ops.sub(rows, mean);
            Tensor variance = Ops.mean(Ops.square(centered), 0);
            normalized = Ops.div(centered, Ops.sqrt(Ops.affine(variance, 1, epsilon)));
            try (GradMode.Restore ignored = GradMode.disabled()) {
                moveTowards(movingMean, mean);
                moveTowards(movingVariance, variance);
            }
        } else {
            normalized = Ops.div(Ops.sub(rows, movingMean), Ops.sqrt(Ops.affine(movingVariance, 1, epsilon)));
        }
        if (scale) {
            normalized = Ops.mul(normalized, gamma);
        }
        if (center) {
            normalized = Ops.add(normalized, beta);
        }
        return Ops.reshape(normalized, input.shape());
    }

    /** moving = momentum * moving + (1 - momentum) * batch. */
    private void moveTowards(Tensor moving, Tensor batch) {
        InPlaceOps.assign(moving, Ops.add(Ops.affine(moving, momentum, 0), Ops.affine(batch, 1 - momentum, 0)));
    }
}
