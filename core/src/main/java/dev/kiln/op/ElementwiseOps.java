package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.UnaryOp;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * The element-wise ops: binary ops broadcasting by NumPy's rules (collapsed by {@link BroadcastPlan} into one
 * {@link Backend#binary} call), comparisons, and the unary functions of {@link UnaryOp}. The gradient of a broadcast
 * operand is the output gradient summed over the axes it was broadcast along.
 */
public final class ElementwiseOps {
    private ElementwiseOps() {
    }

    // ---- binary, broadcasting ----

    /** a + b, broadcasting. */
    public static Tensor add(Tensor a, Tensor b) {
        return binary("add", BinaryOp.ADD, a, b, (g, plan) -> new Tensor[] {
            reduceTo(g, plan, plan.spec().aAxes(), a.shape()),
            reduceTo(g, plan, plan.spec().bAxes(), b.shape())});
    }

    /** a - b, broadcasting. */
    public static Tensor sub(Tensor a, Tensor b) {
        return binary("sub", BinaryOp.SUB, a, b, (g, plan) -> new Tensor[] {
            reduceTo(g, plan, plan.spec().aAxes(), a.shape()),
            b.requiresGrad() ? neg(reduceTo(g, plan, plan.spec().bAxes(), b.shape())) : null});
    }

    /** a * b, broadcasting. */
    public static Tensor mul(Tensor a, Tensor b) {
        return binary("mul", BinaryOp.MUL, a, b, (g, plan) -> new Tensor[] {
            a.requiresGrad() ? reduceTo(mul(g, b), plan, plan.spec().aAxes(), a.shape()) : null,
            b.requiresGrad() ? reduceTo(mul(g, a), plan, plan.spec().bAxes(), b.shape()) : null});
    }

    /** a / b, broadcasting. */
    public static Tensor div(Tensor a, Tensor b) {
        return binary("div", BinaryOp.DIV, a, b, (g, plan) -> new Tensor[] {
            a.requiresGrad() ? reduceTo(div(g, b), plan, plan.spec().aAxes(), a.shape()) : null,
            b.requiresGrad() ? reduceTo(neg(div(mul(g, div(a, b)), b)), plan, plan.spec().bAxes(), b.shape()) : null});
    }

    /** max(a, b) element-wise, broadcasting; the gradient goes to a where a &gt;= b, else to b. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return binary("maximum", BinaryOp.MAXIMUM, a, b, (g, plan) -> {
            Tensor bWins = compare(BinaryOp.GREATER, b, a);
            Tensor aWins = affine(bWins, -1, 1);
            return new Tensor[] {
                a.requiresGrad() ? reduceTo(mul(g, aWins), plan, plan.spec().aAxes(), a.shape()) : null,
                b.requiresGrad() ? reduceTo(mul(g, bWins), plan, plan.spec().bAxes(), b.shape()) : null};
        });
    }

    /** min(a, b) element-wise, broadcasting; the gradient goes to a where a &lt;= b, else to b. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return binary("minimum", BinaryOp.MINIMUM, a, b, (g, plan) -> {
            Tensor aWins = affine(compare(BinaryOp.GREATER, a, b), -1, 1);
            Tensor bWins = affine(aWins, -1, 1);
            return new Tensor[] {
                a.requiresGrad() ? reduceTo(mul(g, aWins), plan, plan.spec().aAxes(), a.shape()) : null,
                b.requiresGrad() ? reduceTo(mul(g, bWins), plan, plan.spec().bAxes(), b.shape()) : null};
        });
    }

    /** 1 where a == b (or a &gt; b for GREATER), else 0; broadcasting, not differentiable. */
    public static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
        if (op != BinaryOp.EQUAL && op != BinaryOp.GREATER) {
            throw new IllegalArgumentException("compare takes EQUAL or GREATER, got " + op);
        }
        Ops.checkCompatible(op.name().toLowerCase(), a, b);
        BroadcastPlan plan = BroadcastPlan.of(op.name().toLowerCase(), a.shape(), b.shape());
        Tensor out = Tensor.empty(a.backend(), a.dtype(), plan.output());
        a.backend().binary(op, plan.spec(), a.buffer(), b.buffer(), out.buffer());
        return out;
    }

    /**
     * Selection by a 0/1 mask, broadcasting all three: out = condition * a + (1 - condition) * b. The condition gets no
     * gradient; a gets g * condition and b g * (1 - condition), summed over their broadcast axes. As with any mask
     * product, an infinity or NaN in the operand not selected still makes the result NaN.
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        Ops.checkCompatible("where", condition, a);
        Ops.checkCompatible("where", condition, b);
        Tensor mask = condition.view(condition.shape());
        return add(mul(mask, a), mul(affine(mask, -1, 1), b));
    }

    /** x * mask with a 0/1 mask, broadcasting; the mask gets no gradient: out = mask * x, dL/dx = g * mask. */
    public static Tensor mask(Tensor x, Tensor mask) {
        Ops.checkCompatible("mask", x, mask);
        return mul(x, mask.view(mask.shape()));
    }

    private interface BinaryBackward {
        Tensor[] apply(Tensor gradOutput, BroadcastPlan plan);
    }

    private static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b, BinaryBackward backward) {
        Ops.checkCompatible(name, a, b);
        BroadcastPlan plan = BroadcastPlan.of(name, a.shape(), b.shape());
        Tensor out = Tensor.empty(a.backend(), a.dtype(), plan.output());
        a.backend().binary(op, plan.spec(), a.buffer(), b.buffer(), out.buffer());
        return Ops.record(out, name, g -> backward.apply(g, plan), a, b);
    }

    /** Sums g (of the plan's output shape) over the axes an operand was broadcast along. */
    static Tensor reduceTo(Tensor g, BroadcastPlan plan, int axes, Shape operandShape) {
        Broadcast s = plan.spec();
        if (s.operandLength(axes) == s.length()) {
            return g.shape().equals(operandShape) ? g : g.view(operandShape);
        }
        Backend backend = g.backend();
        Tensor current = g;
        int outer = s.outer();
        int middle = s.middle();
        int inner = s.inner();
        if ((axes & Broadcast.INNER) == 0 && inner > 1) {
            current = reduced(backend, current, outer * middle, inner, 1);
            inner = 1;
        }
        if ((axes & Broadcast.MIDDLE) == 0 && middle > 1) {
            current = reduced(backend, current, outer, middle, inner);
            middle = 1;
        }
        if ((axes & Broadcast.OUTER) == 0 && outer > 1) {
            current = reduced(backend, current, 1, outer, middle * inner);
        }
        return current.view(operandShape);
    }

    private static Tensor reduced(Backend backend, Tensor x, int outer, int middle, int inner) {
        Tensor out = Tensor.empty(backend, x.dtype(), Shape.of(outer * inner));
        backend.reduce(ReduceOp.SUM, outer, middle, inner, x.buffer(), out.buffer());
        return out;
    }

    // ---- unary ----

    /** a*x + b. */
    public static Tensor affine(Tensor x, double a, double b) {
        return unary("affine", UnaryOp.AFFINE, x, a, b);
    }

    /** -x. */
    public static Tensor neg(Tensor x) {
        return unary("neg", UnaryOp.AFFINE, x, -1, 0);
    }

    /** e^x. */
    public static Tensor exp(Tensor x) {
        return unary("exp", UnaryOp.EXP, x, 0, 0);
    }

    /** ln x. */
    public static Tensor log(Tensor x) {
        return unary("log", UnaryOp.LOG, x, 0, 0);
    }

    /** sqrt(x). */
    public static Tensor sqrt(Tensor x) {
        return unary("sqrt", UnaryOp.SQRT, x, 0, 0);
    }

    /** x^2. */
    public static Tensor square(Tensor x) {
        return unary("square", UnaryOp.SQUARE, x, 0, 0);
    }

    /** |x|. */
    public static Tensor abs(Tensor x) {
        return unary("abs", UnaryOp.ABS, x, 0, 0);
    }

    /** 1/x. */
    public static Tensor reciprocal(Tensor x) {
        return unary("reciprocal", UnaryOp.RECIPROCAL, x, 0, 0);
    }

    /** max(x, 0). */
    public static Tensor relu(Tensor x) {
        return unary("relu", UnaryOp.RELU, x, 0, 0);
    }

    /** x if x &gt; 0 else slope*x. */
    public static Tensor leakyRelu(Tensor x, double slope) {
        return unary("leaky_relu", UnaryOp.LEAKY_RELU, x, slope, 0);
    }

    /** x if x &gt; 0 else alpha*(e^x - 1). */
    public static Tensor elu(Tensor x, double alpha) {
        return unary("elu", UnaryOp.ELU, x, alpha, 0);
    }

    /** 1/(1 + e^-x). */
    public static Tensor sigmoid(Tensor x) {
        return unary("sigmoid", UnaryOp.SIGMOID, x, 0, 0);
    }

    /** tanh x. */
    public static Tensor tanh(Tensor x) {
        return unary("tanh", UnaryOp.TANH, x, 0, 0);
    }

    /** ln(1 + e^x), computed without overflow. */
    public static Tensor softplus(Tensor x) {
        return unary("softplus", UnaryOp.SOFTPLUS, x, 0, 0);
    }

    /** min(max(x, low), high); the gradient is 1 inside [low, high], else 0. */
    public static Tensor clip(Tensor x, double low, double high) {
        if (!(low <= high)) {
            throw new KilnException("clip: low " + low + " must not exceed high " + high);
        }
        return unary("clip", UnaryOp.CLIP, x, low, high);
    }

    private static Tensor unary(String name, UnaryOp op, Tensor x, double a, double b) {
        Backend backend = x.backend();
        Tensor out = Tensor.empty(backend, x.dtype(), x.shape());
        backend.unary(op, a, b, x.buffer(), out.buffer());
        return Ops.record(out, name, g -> {
            Tensor gx = Tensor.empty(backend, x.dtype(), x.shape());
            backend.unaryBackward(op, a, b, x.buffer(), out.buffer(), g.buffer(), gx.buffer());
            return new Tensor[] {gx};
        }, x);
    }
}
