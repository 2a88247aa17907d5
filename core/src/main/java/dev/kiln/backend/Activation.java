package dev.kiln.backend;

/**
 * The activations a fused layer kernel applies after its affine map ({@link Backend#gemmBiasActivation}), with a
 * parameter {@code alpha}: exactly those whose derivative can be taken from the output y alone, so the backward pass
 * ({@link Backend#biasActivationBackward}) needs no copy of the pre-activation. Each equals the {@link UnaryOp} it
 * names, with y &gt; 0 exactly where x &gt; 0 (alpha &gt;= 0).
 */
public enum Activation {
    /** y = x; dy/dx = 1. */
    IDENTITY(UnaryOp.AFFINE),
    /** y = max(x, 0); dy/dx = 1 if y &gt; 0 else 0. */
    RELU(UnaryOp.RELU),
    /** y = x if x &gt; 0 else alpha*x; dy/dx = 1 if y &gt; 0 else alpha. */
    LEAKY_RELU(UnaryOp.LEAKY_RELU),
    /** y = x if x &gt; 0 else alpha*(exp(x)-1); dy/dx = 1 if y &gt; 0 else y + alpha. */
    ELU(UnaryOp.ELU),
    /** y = 1/(1+exp(-x)); dy/dx = y(1-y). */
    SIGMOID(UnaryOp.SIGMOID),
    /** y = tanh(x); dy/dx = 1 - y^2. */
    TANH(UnaryOp.TANH);

    private final UnaryOp unary;

    Activation(UnaryOp unary) {
        this.unary = unary;
    }

    /** The element-wise function this activation computes, called with {@link #unaryA} and b = 0. */
    public UnaryOp unary() {
        return unary;
    }

    /** The {@code a} parameter of {@link #unary()} for this activation's {@code alpha} (the slope 1 for IDENTITY). */
    public double unaryA(double alpha) {
        return this == IDENTITY ? 1 : alpha;
    }
}
