package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.autograd.BackwardRule;
import dev.kiln.autograd.GradMode;
import dev.kiln.autograd.Node;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.UnaryOp;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * The differentiable math of Kiln. Each op checks its operands, computes its output through {@link Backend}
 * primitives and, while gradients are enabled, records its backward rule. Layers, losses and optimizers
 * call these, never a backend class.
 */
public final class Ops {
    private Ops() {
    }

    // ---- element-wise binary, broadcasting ----

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
        checkCompatible(op.name().toLowerCase(), a, b);
        BroadcastPlan plan = BroadcastPlan.of(op.name().toLowerCase(), a.shape(), b.shape());
        Tensor out = Tensor.empty(a.backend(), a.dtype(), plan.output());
        a.backend().binary(op, plan.spec(), a.buffer(), b.buffer(), out.buffer());
        return out;
    }

    private interface BinaryBackward {
        Tensor[] apply(Tensor gradOutput, BroadcastPlan plan);
    }

    private static Tensor binary(String name, BinaryOp op, Tensor a, Tensor b, BinaryBackward backward) {
        checkCompatible(name, a, b);
        BroadcastPlan plan = BroadcastPlan.of(name, a.shape(), b.shape());
        Tensor out = Tensor.empty(a.backend(), a.dtype(), plan.output());
        a.backend().binary(op, plan.spec(), a.buffer(), b.buffer(), out.buffer());
        return record(out, name, g -> backward.apply(g, plan), a, b);
    }

    /** Sums g (of the plan's output shape) over the axes an operand was broadcast along. */
    private static Tensor reduceTo(Tensor g, BroadcastPlan plan, int axes, Shape operandShape) {
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
            current = reduced(backend, current, ReduceOp.SUM, outer * middle, inner, 1);
            inner = 1;
        }
        if ((axes & Broadcast.MIDDLE) == 0 && middle > 1) {
            current = reduced(backend, current, ReduceOp.SUM, outer, middle, inner);
            middle = 1;
        }
        if ((axes & Broadcast.OUTER) == 0 && outer > 1) {
            current = reduced(backend, current, ReduceOp.SUM, 1, outer, middle * inner);
        }
        return current.view(operandShape);
    }

    private static Tensor reduced(Backend backend, Tensor x, ReduceOp op, int outer, int middle, int inner) {
        Tensor out = Tensor.empty(backend, x.dtype(), Shape.of(outer * inner));
        backend.reduce(op, outer, middle, inner, x.buffer(), out.buffer());
        return out;
    }

    // ---- element-wise unary ----

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
        return record(out, name, g -> {
            Tensor gx = Tensor.empty(backend, x.dtype(), x.shape());
            backend.unaryBackward(op, a, b, x.buffer(), out.buffer(), g.buffer(), gx.buffer());
            return new Tensor[] {gx};
        }, x);
    }

    // ---- linear algebra ----

    /** a · b for a [m, k] and b [k, n]. */
    public static Tensor matmul(Tensor a, Tensor b) {
        checkCompatible("matmul", a, b);
        if (a.rank() != 2 || b.rank() != 2 || a.shape().dim(1) != b.shape().dim(0)) {
            throw new KilnException("matmul: expected [m, k] · [k, n], got " + a.shape() + " · " + b.shape());
        }
        int m = a.shape().dim(0);
        int k = a.shape().dim(1);
        int n = b.shape().dim(1);
        Backend backend = a.backend();
        Tensor out = Tensor.empty(backend, a.dtype(), Shape.of(m, n));
        backend.gemm(false, false, m, n, k, 1, a.buffer(), b.buffer(), 0, out.buffer());
        return record(out, "matmul", g -> {
            Tensor ga = null;
            Tensor gb = null;
            if (a.requiresGrad()) {
                ga = Tensor.empty(backend, a.dtype(), a.shape());
                backend.gemm(false, true, m, k, n, 1, g.buffer(), b.buffer(), 0, ga.buffer());
            }
            if (b.requiresGrad()) {
                gb = Tensor.empty(backend, b.dtype(), b.shape());
                backend.gemm(true, false, k, n, m, 1, a.buffer(), g.buffer(), 0, gb.buffer());
            }
            return new Tensor[] {ga, gb};
        }, a, b);
    }

    /** The transpose of a [rows, cols] matrix. */
    public static Tensor transpose(Tensor x) {
        if (x.rank() != 2) {
            throw new KilnException("transpose: expected a matrix, got shape " + x.shape());
        }
        int rows = x.shape().dim(0);
        int cols = x.shape().dim(1);
        Tensor out = Tensor.empty(x.backend(), x.dtype(), Shape.of(cols, rows));
        x.backend().transpose(rows, cols, x.buffer(), out.buffer());
        return record(out, "transpose", g -> new Tensor[] {transpose(g)}, x);
    }

    /** The same elements seen with shape {@code shape}; shares x's buffer. */
    public static Tensor reshape(Tensor x, Shape shape) {
        Tensor out = x.view(shape);
        Shape original = x.shape();
        return record(out, "reshape", g -> new Tensor[] {g.view(original)}, x);
    }

    // ---- reductions ----

    /** Sum of all elements, shape [1]. */
    public static Tensor sum(Tensor x) {
        return reduceAll("sum", ReduceOp.SUM, x);
    }

    /** Mean of all elements, shape [1]. */
    public static Tensor mean(Tensor x) {
        return reduceAll("mean", ReduceOp.MEAN, x);
    }

    /** Sum along {@code axis}, which is removed from the shape. */
    public static Tensor sum(Tensor x, int axis) {
        return reduceAxis("sum", ReduceOp.SUM, x, axis);
    }

    /** Mean along {@code axis}, which is removed from the shape. */
    public static Tensor mean(Tensor x, int axis) {
        return reduceAxis("mean", ReduceOp.MEAN, x, axis);
    }

    /** Largest element along {@code axis} (removed); the gradient goes to every maximal element. */
    public static Tensor max(Tensor x, int axis) {
        return reduceAxis("max", ReduceOp.MAX, x, axis);
    }

    /** Smallest element along {@code axis} (removed); the gradient goes to every minimal element. */
    public static Tensor min(Tensor x, int axis) {
        return reduceAxis("min", ReduceOp.MIN, x, axis);
    }

    /** Index of the largest element along {@code axis} (removed), as numbers; not differentiable. */
    public static Tensor argmax(Tensor x, int axis) {
        int ax = x.shape().normalizeAxis(axis);
        Tensor out = Tensor.empty(x.backend(), x.dtype(), dropAxis(x.shape(), ax));
        x.backend().reduce(ReduceOp.ARGMAX, (int) x.shape().size(0, ax), x.shape().dim(ax),
                (int) x.shape().size(ax + 1, x.rank()), x.buffer(), out.buffer());
        return out;
    }

    private static Tensor reduceAll(String name, ReduceOp op, Tensor x) {
        return reduceOf(name, op, x, 1, Math.toIntExact(x.size()), 1, Shape.of(1));
    }

    private static Tensor reduceAxis(String name, ReduceOp op, Tensor x, int axis) {
        int ax = x.shape().normalizeAxis(axis);
        return reduceOf(name, op, x, (int) x.shape().size(0, ax), x.shape().dim(ax),
                (int) x.shape().size(ax + 1, x.rank()), dropAxis(x.shape(), ax));
    }

    /** Reduces x, viewed as [outer, middle, inner], along the middle axis into a tensor of shape outShape. */
    private static Tensor reduceOf(String name, ReduceOp op, Tensor x, int outer, int middle, int inner, Shape outShape) {
        if (middle == 0) {
            throw new KilnException(name + ": cannot reduce an empty axis of shape " + x.shape());
        }
        Backend backend = x.backend();
        Tensor out = Tensor.empty(backend, x.dtype(), outShape);
        backend.reduce(op, outer, middle, inner, x.buffer(), out.buffer());
        Broadcast expand = new Broadcast(outer, middle, inner, Broadcast.ALL, Broadcast.OUTER | Broadcast.INNER);
        return record(out, name, g -> {
            Tensor gx = Tensor.empty(backend, x.dtype(), x.shape());
            switch (op) {
                case SUM, MEAN -> {
                    backend.fill(gx.buffer(), op == ReduceOp.MEAN ? 1.0 / middle : 1.0);
                    backend.binary(BinaryOp.MUL, expand, gx.buffer(), g.buffer(), gx.buffer());
                }
                case MAX, MIN -> {
                    backend.binary(BinaryOp.EQUAL, expand, x.buffer(), out.buffer(), gx.buffer());
                    backend.binary(BinaryOp.MUL, expand, gx.buffer(), g.buffer(), gx.buffer());
                }
                default -> throw new IllegalStateException(op + " has no gradient");
            }
            return new Tensor[] {gx};
        }, x);
    }

    private static Shape dropAxis(Shape shape, int axis) {
        int[] dims = shape.dims();
        int[] out = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != axis) {
                out[j++] = dims[i];
            }
        }
        return out.length == 0 ? Shape.of(1) : Shape.of(out);
    }

    // ---- softmax family ----

    /** Softmax along the last axis: e^x / sum e^x. */
    public static Tensor softmax(Tensor x) {
        return softmaxOf("softmax", x, false);
    }

    /** Log-softmax along the last axis: x - ln sum e^x. */
    public static Tensor logSoftmax(Tensor x) {
        return softmaxOf("log_softmax", x, true);
    }

    private static Tensor softmaxOf(String name, Tensor x, boolean log) {
        Backend backend = x.backend();
        int cols = x.shape().dim(-1);
        int rows = Math.toIntExact(x.size() / Math.max(cols, 1));
        Tensor out = Tensor.empty(backend, x.dtype(), x.shape());
        backend.softmax(log, rows, cols, x.buffer(), out.buffer());
        return record(out, name, g -> {
            Tensor gx = Tensor.empty(backend, x.dtype(), x.shape());
            backend.softmaxBackward(log, rows, cols, out.buffer(), g.buffer(), gx.buffer());
            return new Tensor[] {gx};
        }, x);
    }

    /**
     * Per-row cross-entropy of softmax(logits) against target probabilities, fused and stable:
     * loss[r] = -sum_c targets[r, c] * log_softmax(logits)[r, c]. Targets get no gradient.
     */
    public static Tensor softmaxCrossEntropy(Tensor logits, Tensor targets) {
        checkCompatible("softmax_cross_entropy", logits, targets);
        if (logits.rank() != 2 || !logits.shape().equals(targets.shape())) {
            throw new KilnException("softmax_cross_entropy: expected logits and targets of the same shape"
                    + " [rows, classes], got " + logits.shape() + " and " + targets.shape());
        }
        Backend backend = logits.backend();
        int rows = logits.shape().dim(0);
        int cols = logits.shape().dim(1);
        Tensor probabilities = Tensor.empty(backend, logits.dtype(), logits.shape());
        Tensor losses = Tensor.empty(backend, logits.dtype(), Shape.of(rows));
        backend.softmaxCrossEntropy(rows, cols, logits.buffer(), targets.buffer(), probabilities.buffer(), losses.buffer());
        return record(losses, "softmax_cross_entropy", g -> {
            Tensor gx = Tensor.empty(backend, logits.dtype(), logits.shape());
            backend.softmaxCrossEntropyBackward(rows, cols, probabilities.buffer(), targets.buffer(), g.buffer(), gx.buffer());
            return new Tensor[] {gx, null};
        }, logits, targets);
    }

    /** One-hot rows [n, classes] from class indices [n]; an index outside [0, classes) gives a zero row. */
    public static Tensor oneHot(Tensor indices, int classes) {
        if (indices.rank() != 1) {
            throw new KilnException("one_hot: expected indices of shape [n], got " + indices.shape());
        }
        int rows = indices.shape().dim(0);
        Tensor out = Tensor.empty(indices.backend(), indices.dtype(), Shape.of(rows, classes));
        indices.backend().oneHot(rows, classes, indices.buffer(), out.buffer());
        return out;
    }

    // ---- plumbing ----

    /** Records {@code out} as computed from {@code inputs} when gradients are on and an input needs one. */
    public static Tensor record(Tensor out, String op, BackwardRule rule, Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return out;
        }
        for (Tensor input : inputs) {
            if (input.requiresGrad()) {
                out.setNode(new Node(op, List.of(inputs), rule));
                return out;
            }
        }
        return out;
    }

    /** Fails unless a and b live on the same backend with the same dtype. */
    public static void checkCompatible(String op, Tensor a, Tensor b) {
        if (a.backend() != b.backend()) {
            throw new KilnException(op + ": operands live on different backends ('" + a.backend().name()
                    + "' and '" + b.backend().name() + "')");
        }
        if (a.dtype() != b.dtype()) {
            throw new KilnException(op + ": operands have different dtypes (" + a.dtype() + " and " + b.dtype() + ")");
        }
    }
}
