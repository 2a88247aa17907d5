package dev.kiln.layer;

import dev.kiln.backend.Activation;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;
import java.util.Locale;

/** Element-wise (or, for the softmax family, row-wise) activation functions used by layers. */
public enum ActivationFunction {
    /** f(x) = x. */
    LINEAR,
    /** f(x) = max(x, 0). */
    RELU,
    /** f(x) = x if x &gt; 0 else 0.01x. */
    LEAKY_RELU,
    /** f(x) = x if x &gt; 0 else e^x - 1. */
    ELU,
    /** f(x) = 1 / (1 + e^-x). */
    SIGMOID,
    /** f(x) = tanh x. */
    TANH,
    /** f(x)_i = e^x_i / sum_j e^x_j over the last axis. */
    SOFTMAX,
    /** f(x)_i = x_i - ln sum_j e^x_j over the last axis. */
    LOG_SOFTMAX;

    /** Slope of {@link #LEAKY_RELU} for negative inputs. */
    public static final double LEAKY_SLOPE = 0.01;
    /** Scale of {@link #ELU} for negative inputs. */
    public static final double ELU_ALPHA = 1.0;

    /** This function applied to {@code x}. */
    public Tensor apply(Tensor x) {
        return switch (this) {
            case LINEAR -> x;
            case RELU -> Ops.relu(x);
            case LEAKY_RELU -> Ops.leakyRelu(x, LEAKY_SLOPE);
            case ELU -> Ops.elu(x, ELU_ALPHA);
            case SIGMOID -> Ops.sigmoid(x);
            case TANH -> Ops.tanh(x);
            case SOFTMAX -> Ops.softmax(x);
            case LOG_SOFTMAX -> Ops.logSoftmax(x);
        };
    }

    /**
     * The fused kernel's activation computing this function (with {@link #fusedAlpha()}), or null for the softmax
     * family, which works on whole rows.
     */
    public Activation fused() {
        return switch (this) {
            case LINEAR -> Activation.IDENTITY;
            case RELU -> Activation.RELU;
            case LEAKY_RELU -> Activation.LEAKY_RELU;
            case ELU -> Activation.ELU;
            case SIGMOID -> Activation.SIGMOID;
            case TANH -> Activation.TANH;
            case SOFTMAX, LOG_SOFTMAX -> null;
        };
    }

    /** The alpha of {@link #fused()}: LEAKY_RELU's slope, ELU's scale, else 0. */
    public double fusedAlpha() {
        return this == LEAKY_RELU ? LEAKY_SLOPE : this == ELU ? ELU_ALPHA : 0;
    }

    /** Lower-case name as written in summaries and configurations ("leaky_relu"). */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
