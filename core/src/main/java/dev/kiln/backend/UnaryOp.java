package dev.kiln.backend;

/**
 * Element-wise functions {@code y = f(x)} with two optional parameters {@code a} and {@code b}.
 * {@link Backend#unaryBackward} computes {@code dx = dy * f'(x)}; each constant names what its
 * derivative reads ({@code x} or {@code y}).
 */
public enum UnaryOp {
    /** y = a*x + b; dy/dx = a. */
    AFFINE,
    /** y = exp(x); dy/dx = y. */
    EXP,
    /** y = ln(x); dy/dx = 1/x. */
    LOG,
    /** y = sqrt(x); dy/dx = 1/(2y). */
    SQRT,
    /** y = x^2; dy/dx = 2x. */
    SQUARE,
    /** y = |x|; dy/dx = sign(x), 0 at 0. */
    ABS,
    /** y = 1/x; dy/dx = -y^2. */
    RECIPROCAL,
    /** y = max(x, 0); dy/dx = 1 if x &gt; 0 else 0. */
    RELU,
    /** y = x if x &gt; 0 else a*x; dy/dx = 1 if x &gt; 0 else a. */
    LEAKY_RELU,
    /** y = x if x &gt; 0 else a*(exp(x)-1); dy/dx = 1 if x &gt; 0 else y + a. */
    ELU,
    /** y = 1/(1+exp(-x)); dy/dx = y(1-y). */
    SIGMOID,
    /** y = tanh(x); dy/dx = 1 - y^2. */
    TANH,
    /** y = ln(1+exp(x)), computed as max(x,0) + ln(1+exp(-|x|)); dy/dx = sigmoid(x). */
    SOFTPLUS,
    /** y = min(max(x, a), b); dy/dx = 1 if a &lt;= x &lt;= b else 0. */
    CLIP
}
