package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.backend.ReduceOp;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/** The softmax family along the last axis, the fused softmax cross-entropy the losses use, and one-hot encoding. */
public final class SoftmaxOps {
    private SoftmaxOps() {
    }

    /** Softmax along the last axis: e^x / sum e^x; the result remembers x as its logits. */
    public static Tensor softmax(Tensor x) {
        return softmaxOf("softmax", x, false).fromSoftmaxOf(x);
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
        return Ops.record(out, name, g -> {
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
        Ops.checkCompatible("softmax_cross_entropy", logits, targets);
        if (logits.rank() != 2 || !logits.shape().equals(targets.shape())) {
            throw new KilnException("softmax_cross_entropy: expected logits and targets of the same shape"
                    + " [rows, classes], got " + logits.shape() + " and " + targets.shape());
        }
        return crossEntropy(logits, targets, null);
    }

    /**
     * The mean (or, unless {@code mean}, the sum) over rows of {@link #softmaxCrossEntropy}, a scalar. Its gradient
     * takes one call: the cross-entropy's backward scales the loss gradient by 1 / rows itself, where a separate
     * mean would expand it to every row first.
     */
    public static Tensor softmaxCrossEntropy(Tensor logits, Tensor targets, boolean mean) {
        return crossEntropy(logits, targets, mean ? ReduceOp.MEAN : ReduceOp.SUM);
    }

    /** Per-row losses, or with {@code over} their mean or sum (one backend call), recorded as one op. */
    private static Tensor crossEntropy(Tensor logits, Tensor targets, ReduceOp over) {
        Ops.checkCompatible("softmax_cross_entropy", logits, targets);
        if (logits.rank() != 2 || !logits.shape().equals(targets.shape())) {
            throw new KilnException("softmax_cross_entropy: expected logits and targets of the same shape"
                    + " [rows, classes], got " + logits.shape() + " and " + targets.shape());
        }
        Backend backend = logits.backend();
        int rows = logits.shape().dim(0);
        int cols = logits.shape().dim(1);
        Tensor probabilities = Tensor.empty(backend, logits.dtype(), logits.shape());
        double scale = over == ReduceOp.MEAN ? 1.0 / rows : 1;
        Tensor out;
        if (over == null) {
            out = Tensor.empty(backend, logits.dtype(), Shape.of(rows));
            backend.softmaxCrossEntropy(rows, cols, logits.buffer(), targets.buffer(), probabilities.buffer(),
                    out.buffer());
        } else {
            if (rows == 0) {
                throw new KilnException("softmax_cross_entropy: cannot reduce the losses of an empty batch");
            }
            out = Tensor.empty(backend, logits.dtype(), Shape.of());
            backend.softmaxCrossEntropyTotal(rows, cols, scale, logits.buffer(), targets.buffer(),
                    probabilities.buffer(), out.buffer());
        }
        return Ops.record(out, "softmax_cross_entropy", g -> {
            Tensor gx = Tensor.empty(backend, logits.dtype(), logits.shape());
            backend.softmaxCrossEntropyBackward(rows, cols, scale, probabilities.buffer(), targets.buffer(),
                    g.buffer(), gx.buffer());
            return new Tensor[] {gx, null};
        }, logits, targets);
    }

    /** One-hot rows [n, classes] of {@code dtype} from I32 class indices [n]; an index outside [0, classes) gives a zero row. */
    public static Tensor oneHot(Tensor indices, int classes, DType dtype) {
        if (indices.rank() != 1) {
            throw new KilnException("one_hot: expected indices of shape [n], got " + indices.shape());
        }
        if (indices.dtype() != DType.I32) {
            throw new KilnException("one_hot: indices must be an I32 tensor, got " + indices.dtype()
                    + "; make them with Tensor.of(backend, shape, int...) or give int labels to the data set");
        }
        if (dtype == null || !dtype.isReal()) {
            throw new KilnException("one_hot: the rows must be F32 or F64, got " + dtype);
        }
        int rows = indices.shape().dim(0);
        Tensor out = Tensor.empty(indices.backend(), dtype, Shape.of(rows, classes));
        indices.backend().oneHot(rows, classes, indices.buffer(), out.buffer());
        return out;
    }
}
