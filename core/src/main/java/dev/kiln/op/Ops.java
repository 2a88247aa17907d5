package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradMode;
import dev.kiln.backend.Activation;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.DType;
import dev.kiln.tensor.BackwardRule;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Node;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * The differentiable math of Kiln, in one place. Each op checks its operands, computes its output through
 * {@link Backend} primitives and, while gradients are enabled, records its backward rule. Layers, losses and
 * optimizers call these, never a backend class. The ops are implemented by family, and each family class can be
 * called directly: {@link ElementwiseOps}, {@link LinearAlgebraOps}, {@link ReductionOps}, {@link SoftmaxOps},
 * {@link ShapeOps} and {@link ConvolutionOps}; the methods here delegate to them and are documented there. An op
 * called here that fails frees the tensors it had created, so it leaks nothing even with no memory scope open.
 */
public final class Ops {
    private Ops() {
    }

    // ---- element-wise (ElementwiseOps) ----

    /** a + b, broadcasting. */
    public static Tensor add(Tensor a, Tensor b) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.add(a, b));
    }

    /** a - b, broadcasting. */
    public static Tensor sub(Tensor a, Tensor b) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.sub(a, b));
    }

    /** a * b, broadcasting. */
    public static Tensor mul(Tensor a, Tensor b) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.mul(a, b));
    }

    /** a / b, broadcasting. */
    public static Tensor div(Tensor a, Tensor b) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.div(a, b));
    }

    /** max(a, b) element-wise, broadcasting; the gradient goes to a where a &gt;= b, else to b. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.maximum(a, b));
    }

    /** min(a, b) element-wise, broadcasting; the gradient goes to a where a &lt;= b, else to b. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.minimum(a, b));
    }

    /** 1 where a == b (or a &gt; b for GREATER), else 0; broadcasting, not differentiable. */
    public static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.compare(op, a, b));
    }

    /** condition * a + (1 - condition) * b for a 0/1 condition, broadcasting all three; the condition gets no gradient. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.where(condition, a, b));
    }

    /** x * mask for a 0/1 mask, broadcasting; the mask gets no gradient. */
    public static Tensor mask(Tensor x, Tensor mask) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.mask(x, mask));
    }

    /** a*x + b. */
    public static Tensor affine(Tensor x, double a, double b) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.affine(x, a, b));
    }

    /** -x. */
    public static Tensor neg(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.neg(x));
    }

    /** e^x. */
    public static Tensor exp(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.exp(x));
    }

    /** ln x. */
    public static Tensor log(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.log(x));
    }

    /** sqrt(x). */
    public static Tensor sqrt(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.sqrt(x));
    }

    /** x^2. */
    public static Tensor square(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.square(x));
    }

    /** |x|. */
    public static Tensor abs(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.abs(x));
    }

    /** 1/x. */
    public static Tensor reciprocal(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.reciprocal(x));
    }

    /** max(x, 0). */
    public static Tensor relu(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.relu(x));
    }

    /** x if x &gt; 0 else slope*x. */
    public static Tensor leakyRelu(Tensor x, double slope) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.leakyRelu(x, slope));
    }

    /** x if x &gt; 0 else alpha*(e^x - 1). */
    public static Tensor elu(Tensor x, double alpha) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.elu(x, alpha));
    }

    /** 1/(1 + e^-x). */
    public static Tensor sigmoid(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.sigmoid(x));
    }

    /** tanh x. */
    public static Tensor tanh(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.tanh(x));
    }

    /** ln(1 + e^x), computed without overflow. */
    public static Tensor softplus(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.softplus(x));
    }

    /** min(max(x, low), high); the gradient is 1 inside [low, high], else 0. */
    public static Tensor clip(Tensor x, double low, double high) {
        return MemoryScope.freeingOnFailure(() -> ElementwiseOps.clip(x, low, high));
    }

    // ---- linear algebra (LinearAlgebraOps) ----

    /**
     * f(x · kernel + bias) for x [rows, in], kernel [in, units] and bias [units] (null for none), in one fused call;
     * see {@link DenseOps#dense}.
     */
    public static Tensor dense(Tensor x, Tensor kernel, Tensor bias, Activation activation, double alpha) {
        return MemoryScope.freeingOnFailure(() -> DenseOps.dense(x, kernel, bias, activation, alpha));
    }


    /** a · b for a [m, k] and b [k, n]. */
    public static Tensor matmul(Tensor a, Tensor b) {
        return MemoryScope.freeingOnFailure(() -> LinearAlgebraOps.matmul(a, b));
    }

    /** op(a) · op(b) with op(x) = x^T where its flag is set; the flags reach the gemm, forward and backward. */
    public static Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return MemoryScope.freeingOnFailure(() -> LinearAlgebraOps.matmul(a, b, transposeA, transposeB));
    }

    /** out[i] = a[i] · b[i] for a [batch, m, k] and b [batch, k, n], or b [k, n] shared by the batch. */
    public static Tensor batchMatmul(Tensor a, Tensor b) {
        return MemoryScope.freeingOnFailure(() -> LinearAlgebraOps.batchMatmul(a, b));
    }

    /** out[i] = op(a[i]) · op(b[i]) with op(x) = x^T where its flag is set; b may be one matrix shared by the batch. */
    public static Tensor batchMatmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        return MemoryScope.freeingOnFailure(() -> LinearAlgebraOps.batchMatmul(a, b, transposeA, transposeB));
    }

    /** The transpose of a [rows, cols] matrix. */
    public static Tensor transpose(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> LinearAlgebraOps.transpose(x));
    }

    // ---- reductions (ReductionOps) ----

    /** Sum of all elements, a scalar (shape []). */
    public static Tensor sum(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ReductionOps.sum(x));
    }

    /** Mean of all elements, a scalar (shape []). */
    public static Tensor mean(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> ReductionOps.mean(x));
    }

    /** Sum along {@code axis}, which is removed from the shape. */
    public static Tensor sum(Tensor x, int axis) {
        return MemoryScope.freeingOnFailure(() -> ReductionOps.sum(x, axis));
    }

    /** Mean along {@code axis}, which is removed from the shape. */
    public static Tensor mean(Tensor x, int axis) {
        return MemoryScope.freeingOnFailure(() -> ReductionOps.mean(x, axis));
    }

    /** Largest element along {@code axis} (removed); the gradient is split evenly among tied maxima. */
    public static Tensor max(Tensor x, int axis) {
        return MemoryScope.freeingOnFailure(() -> ReductionOps.max(x, axis));
    }

    /** Smallest element along {@code axis} (removed); the gradient is split evenly among tied minima. */
    public static Tensor min(Tensor x, int axis) {
        return MemoryScope.freeingOnFailure(() -> ReductionOps.min(x, axis));
    }

    /** Index of the largest element along {@code axis} (removed), as numbers; not differentiable. */
    public static Tensor argmax(Tensor x, int axis) {
        return MemoryScope.freeingOnFailure(() -> ReductionOps.argmax(x, axis));
    }

    // ---- softmax family (SoftmaxOps) ----

    /** Softmax along the last axis: e^x / sum e^x. */
    public static Tensor softmax(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> SoftmaxOps.softmax(x));
    }

    /** Log-softmax along the last axis: x - ln sum e^x. */
    public static Tensor logSoftmax(Tensor x) {
        return MemoryScope.freeingOnFailure(() -> SoftmaxOps.logSoftmax(x));
    }

    /** Per-row cross-entropy of softmax(logits) against target probabilities: -sum_c targets * log_softmax(logits). */
    public static Tensor softmaxCrossEntropy(Tensor logits, Tensor targets) {
        return MemoryScope.freeingOnFailure(() -> SoftmaxOps.softmaxCrossEntropy(logits, targets));
    }

    /**
     * The mean (or, unless {@code mean}, the sum) over rows of {@link #softmaxCrossEntropy}: a scalar whose gradient
     * is one backend call.
     */
    public static Tensor softmaxCrossEntropy(Tensor logits, Tensor targets, boolean mean) {
        return MemoryScope.freeingOnFailure(() -> SoftmaxOps.softmaxCrossEntropy(logits, targets, mean));
    }

    /** One-hot rows [n, classes] of {@code dtype} from I32 class indices [n]; an index outside [0, classes) gives a zero row. */
    public static Tensor oneHot(Tensor indices, int classes, DType dtype) {
        return MemoryScope.freeingOnFailure(() -> SoftmaxOps.oneHot(indices, classes, dtype));
    }

    // ---- shape (ShapeOps) ----

    /** The same elements seen with shape {@code shape}; shares x's buffer. */
    public static Tensor reshape(Tensor x, Shape shape) {
        return MemoryScope.freeingOnFailure(() -> ShapeOps.reshape(x, shape));
    }

    /** Reorders the axes: out's axis d is x's axis axes[d]; the gradient is permuted back. */
    public static Tensor permute(Tensor x, int... axes) {
        return MemoryScope.freeingOnFailure(() -> ShapeOps.permute(x, axes));
    }

    /**
     * Embedding lookup: out[i..., c] = table[indices[i...], c] for table [n, d] and I32 indices; repeated indices
     * accumulate gradient.
     */
    public static Tensor gather(Tensor table, Tensor indices) {
        return MemoryScope.freeingOnFailure(() -> ShapeOps.gather(table, indices));
    }

    // ---- convolution and pooling (ConvolutionOps) ----

    /** 2-D convolution of channels-last images [batch, h, w, in] with a kernel [kernel_h, kernel_w, in, out]. */
    public static Tensor conv2d(Tensor images, Tensor kernel, WindowOptions options) {
        return MemoryScope.freeingOnFailure(() -> ConvolutionOps.conv2d(images, kernel, options));
    }

    /** Transposed 2-D convolution of images [batch, h, w, in] with a kernel [kernel_h, kernel_w, out, in]. */
    public static Tensor conv2dTranspose(Tensor images, Tensor kernel, WindowOptions options) {
        return MemoryScope.freeingOnFailure(() -> ConvolutionOps.conv2dTranspose(images, kernel, options));
    }

    /** Max pooling of channels-last images over poolHeight x poolWidth windows. */
    public static Tensor maxPool2d(Tensor images, int poolHeight, int poolWidth, WindowOptions options) {
        return MemoryScope.freeingOnFailure(() -> ConvolutionOps.maxPool2d(images, poolHeight, poolWidth, options));
    }

    /** Average pooling of channels-last images over poolHeight x poolWidth windows; padding is not counted. */
    public static Tensor avgPool2d(Tensor images, int poolHeight, int poolWidth, WindowOptions options) {
        return MemoryScope.freeingOnFailure(() -> ConvolutionOps.avgPool2d(images, poolHeight, poolWidth, options));
    }

    /** Nearest-neighbour up-sampling of channels-last images by rows x columns. */
    public static Tensor upSampling2d(Tensor images, int rows, int columns) {
        return MemoryScope.freeingOnFailure(() -> ConvolutionOps.upSampling2d(images, rows, columns));
    }

    // ---- plumbing shared by the families ----

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

    /**
     * Fails, naming {@code op}, unless {@code values} is a real tensor and {@code indices} an I32 tensor on the same
     * backend: indices are never stored as floats, so a float tensor of indices is refused rather than rounded.
     */
    public static void checkIndexOperands(String op, Tensor values, Tensor indices) {
        if (values.backend() != indices.backend()) {
            throw new KilnException(op + ": operands live on different backends ('" + values.backend().name()
                    + "' and '" + indices.backend().name() + "')");
        }
        if (!values.dtype().isReal()) {
            throw new KilnException(op + ": expected F32 or F64 values, got an " + values.dtype() + " tensor");
        }
        if (indices.dtype() != DType.I32) {
            throw new KilnException(op + ": indices must be an I32 tensor, got " + indices.dtype()
                    + "; make them with Tensor.of(backend, shape, int...) or give int labels to the data set");
        }
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
