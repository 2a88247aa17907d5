package dev.kiln.backend;

import dev.kiln.KilnException;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The preconditions of every {@link Backend} primitive, checked once here so that all backends accept and reject
 * the same calls with the same message. Each backend calls the method named after a primitive first thing in that
 * primitive, then casts the buffers it was given; it keeps only the checks that depend on its device (memory
 * limits, supported dtypes) or on the buffers' contents (index values).
 *
 * <p>Every check throws a {@link KilnException} that starts with the primitive (with its enum constant, as in
 * "unary EXP") and names the argument, the required and the actual value. The order of the checks is fixed:
 * arguments that are not buffers, sizes, then each buffer (not null, of this backend, not freed), dtypes, lengths,
 * and last the overlap of outputs with inputs. Lengths are the buffers' logical {@link Buffer#length()}, never a
 * device allocation's capacity.
 */
public final class BufferChecks {
    // Call names built once: the checks run on every call and read a name only to fail.
    private static final Map<UnaryOp, String> UNARY = callNames("unary", UnaryOp.class);
    private static final Map<UnaryOp, String> UNARY_BACKWARD = callNames("unaryBackward", UnaryOp.class);
    private static final Map<BinaryOp, String> BINARY = callNames("binary", BinaryOp.class);
    private static final Map<ReduceOp, String> REDUCE = callNames("reduce", ReduceOp.class);
    private static final Map<UpdateRule, String> UPDATE = callNames("update", UpdateRule.class);
    private static final Map<UpdateRule, String> UPDATE_GROUP = callNames("updateGroup", UpdateRule.class);
    private static final Map<Distribution, String> RANDOM = callNames("random", Distribution.class);
    private static final String[] STATE_ROLES = {"state 0", "state 1"};

    private BufferChecks() {
    }

    private static <E extends Enum<E>> Map<E, String> callNames(String method, Class<E> constants) {
        Map<E, String> names = new EnumMap<>(constants);
        for (E constant : constants.getEnumConstants()) {
            names.put(constant, method + " " + constant);
        }
        return names;
    }

    // ---- memory ----

    /** {@link Backend#allocate}: a dtype and a length that is not negative. */
    public static void allocate(DType dtype, long length) {
        notNull("allocate", "dtype", dtype);
        if (length < 0) {
            throw new KilnException("allocate: length must not be negative, got " + length);
        }
    }

    /** {@link Backend#upload}: a host array of {@code hostType} that fits in a target of that dtype. */
    public static void upload(Backend backend, Object source, int sourceLength, DType hostType, Buffer target) {
        notNull("upload", "source", source);
        owned(backend, "upload", "target", target);
        if (target.dtype() != hostType) {
            throw new KilnException("upload: target is " + target.dtype() + ", expected " + hostType
                    + " for a host array of " + hostType);
        }
        if (sourceLength > target.length()) {
            throw new KilnException("upload: host array of " + sourceLength + " elements does not fit the target of "
                    + target.length());
        }
    }

    /** {@link Backend#download}: a source of {@code hostType} with at least as many elements as the host array. */
    public static void download(Backend backend, Buffer source, Object target, int targetLength, DType hostType) {
        owned(backend, "download", "source", source);
        notNull("download", "target", target);
        if (source.dtype() != hostType) {
            throw new KilnException("download: source is " + source.dtype() + ", expected " + hostType
                    + " for a host array of " + hostType);
        }
        if (targetLength > source.length()) {
            throw new KilnException("download: host array of " + targetLength + " elements does not fit the source of "
                    + source.length() + "; it would read past its end");
        }
    }

    /** {@link Backend#downloadLater}: a real source holding at least {@code count} elements. */
    public static void downloadLater(Backend backend, Buffer source, int count) {
        owned(backend, "downloadLater", "source", source);
        if (!source.dtype().isReal()) {
            throw new KilnException("downloadLater: source is " + source.dtype() + ", expected F32 or F64");
        }
        if (count < 0 || count > source.length()) {
            throw new KilnException("downloadLater: " + count + " elements of a source of " + source.length()
                    + "; expected 0 to " + source.length());
        }
    }

    /** {@link Backend#copy}: both ranges inside their buffers; within one buffer the ranges must not overlap. */
    public static void copy(Backend backend, Buffer source, long sourceOffset, Buffer target, long targetOffset,
                            long length) {
        String method = "copy";
        owned(backend, method, "source", source);
        owned(backend, method, "target", target);
        sameDType(method, "source", source, "target", target);
        if (sourceOffset < 0 || targetOffset < 0 || length < 0) {
            throw new KilnException("copy: offsets and length must not be negative, got source offset " + sourceOffset
                    + ", target offset " + targetOffset + ", length " + length);
        }
        if (sourceOffset > source.length() - length || targetOffset > target.length() - length) {
            throw new KilnException("copy: range of " + length + " elements from offset " + sourceOffset
                    + " of a source of " + source.length() + " to offset " + targetOffset + " of a target of "
                    + target.length() + " is out of bounds");
        }
        if (source == target && length > 0 && Math.abs(sourceOffset - targetOffset) < length) {
            throw new KilnException("copy: source and target are the same buffer and the ranges [" + sourceOffset + ", "
                    + (sourceOffset + length) + ") and [" + targetOffset + ", " + (targetOffset + length) + ") overlap");
        }
    }

    /** {@link Backend#copyBlocks}: different buffers, no negative counts, disjoint target blocks, all blocks inside. */
    public static void copyBlocks(Backend backend, int blocks, int blockLength, Buffer source, long sourceOffset,
                                  long sourceStride, Buffer target, long targetOffset, long targetStride) {
        String method = "copyBlocks";
        owned(backend, method, "source", source);
        owned(backend, method, "target", target);
        sameDType(method, "source", source, "target", target);
        if (source == target) {
            throw new KilnException("copyBlocks: source and target are the same buffer; they must be different buffers");
        }
        if (blocks < 0 || blockLength < 0 || sourceOffset < 0 || sourceStride < 0 || targetOffset < 0 || targetStride < 0) {
            throw new KilnException("copyBlocks: counts, offsets and strides must not be negative, got blocks=" + blocks
                    + ", blockLength=" + blockLength + ", source offset " + sourceOffset + " stride " + sourceStride
                    + ", target offset " + targetOffset + " stride " + targetStride);
        }
        if (blocks == 0 || blockLength == 0) {
            return;
        }
        if (blocks > 1 && targetStride < blockLength) {
            throw new KilnException("copyBlocks: target stride " + targetStride + " is shorter than the block length "
                    + blockLength + ", so the target blocks would overlap");
        }
        long sourceEnd = span(blocks, sourceStride, blockLength, sourceOffset);
        long targetEnd = span(blocks, targetStride, blockLength, targetOffset);
        if (sourceEnd > source.length() || targetEnd > target.length()) {
            throw new KilnException("copyBlocks: " + blocks + " blocks of " + blockLength + " elements reach element "
                    + sourceEnd + " of a source of " + source.length() + " (offset " + sourceOffset + ", stride "
                    + sourceStride + ") and element " + targetEnd + " of a target of " + target.length() + " (offset "
                    + targetOffset + ", stride " + targetStride + "); out of bounds");
        }
    }

    /** {@link Backend#fill}: a live buffer of this backend. */
    public static void fill(Backend backend, Buffer target) {
        owned(backend, "fill", "target", target);
    }

    /** {@link Backend#free}: a live buffer of this backend. */
    public static void free(Backend backend, Buffer buffer) {
        owned(backend, "free", "buffer", buffer);
    }

    // ---- linear algebra ----

    /** {@link Backend#gemm}: a holds exactly m * k elements, b exactly k * n and c exactly m * n; c is neither a nor b. */
    public static void gemm(Backend backend, boolean transposeA, boolean transposeB, int m, int n, int k,
                            Buffer a, Buffer b, Buffer c) {
        String method = "gemm";
        product(backend, method, transposeA, transposeB, m, n, k, a, b, "c", "c [m, n]", c);
        distinct(method, "c", c, "a", a, "b", b);
    }

    /**
     * One product's operands: a [m, k] and b [k, n] (or transposed), and its result [m, n] named {@code cName}
     * ({@code cShaped} with its shape).
     */
    private static void product(Backend backend, String method, boolean transposeA, boolean transposeB, int m, int n,
                                int k, Buffer a, Buffer b, String cName, String cShaped, Buffer c) {
        notNegative(method, "m, n, k", m, n, k);
        owned(backend, method, "a", a);
        owned(backend, method, "b", b);
        owned(backend, method, cName, c);
        sameDType(method, "a", a, "b", b, cName, c);
        real(method, a, b, c);
        exact(method, transposeA ? "a [k, m]" : "a [m, k]", a, (long) m * k);
        exact(method, transposeB ? "b [n, k]" : "b [k, n]", b, (long) k * n);
        exact(method, cShaped, c, (long) m * n);
    }

    /**
     * {@link Backend#gemmBatched}: a, b and c hold at least the elements their {@code batch} matrices reach; the
     * products do not overlap (strideC >= m * n when batch > 1); c is neither a nor b.
     */
    public static void gemmBatched(Backend backend, boolean transposeA, boolean transposeB, int batch, int m, int n,
                                   int k, Buffer a, long strideA, Buffer b, long strideB, Buffer c, long strideC) {
        String method = "gemmBatched";
        notNegative(method, "batch, m, n, k, strideA, strideB, strideC", batch, m, n, k, strideA, strideB, strideC);
        owned(backend, method, "a", a);
        owned(backend, method, "b", b);
        owned(backend, method, "c", c);
        sameDType(method, "a", a, "b", b, "c", c);
        real(method, a, b, c);
        long mn = (long) m * n;
        if (batch > 1 && strideC < mn) {
            throw new KilnException("gemmBatched: c stride " + strideC + " is shorter than a product of m * n = " + mn
                    + " elements, so the products would overlap");
        }
        reaches(method, "a " + (transposeA ? "[k, m]" : "[m, k]"), a, batch, strideA, (long) m * k);
        reaches(method, "b " + (transposeB ? "[n, k]" : "[k, n]"), b, batch, strideB, (long) k * n);
        reaches(method, "c [m, n]", c, batch, strideC, mn);
        distinct(method, "c", c, "a", a, "b", b);
    }

    /**
     * {@link Backend#gemmBiasActivation}: the buffers of {@link #gemm}, a bias of exactly n elements when given, a
     * finite alpha &gt;= 0; out is none of the inputs.
     */
    public static void gemmBiasActivation(Backend backend, Activation activation, double alpha, boolean transposeA,
                                          boolean transposeB, int m, int n, int k, Buffer a, Buffer b, Buffer bias,
                                          Buffer out) {
        String method = "gemmBiasActivation";
        notNull(method, "activation", activation);
        activationAlpha(method, alpha);
        product(backend, method, transposeA, transposeB, m, n, k, a, b, "out", "out [m, n]", out);
        if (bias != null) {
            owned(backend, method, "bias", bias);
            sameDType(method, "out", out, "bias", bias);
            exact(method, "bias [n]", bias, n);
        }
        distinct(method, "out", out, "a", a, "b", b, "bias", bias);
    }

    /**
     * {@link Backend#biasActivationBackward}: y, gradOut and gradIn of exactly rows * cols elements, gradBias of cols
     * when given; gradIn may be gradOut but not y, gradBias none of the others.
     */
    public static void biasActivationBackward(Backend backend, Activation activation, double alpha, int rows, int cols,
                                              Buffer y, Buffer gradOut, Buffer gradIn, Buffer gradBias) {
        String method = "biasActivationBackward";
        notNull(method, "activation", activation);
        activationAlpha(method, alpha);
        notNegative(method, "rows, cols", rows, cols);
        owned(backend, method, "y", y);
        owned(backend, method, "gradOut", gradOut);
        owned(backend, method, "gradIn", gradIn);
        sameDType(method, "y", y, "gradOut", gradOut, "gradIn", gradIn);
        real(method, y, gradOut, gradIn);
        long length = (long) rows * cols;
        exact(method, "y [rows, cols]", y, length);
        exact(method, "gradOut [rows, cols]", gradOut, length);
        exact(method, "gradIn [rows, cols]", gradIn, length);
        distinct(method, "gradIn", gradIn, "y", y);
        if (gradBias != null) {
            owned(backend, method, "gradBias", gradBias);
            sameDType(method, "y", y, "gradBias", gradBias);
            exact(method, "gradBias [cols]", gradBias, cols);
            distinct(method, "gradBias", gradBias, "y", y, "gradOut", gradOut, "gradIn", gradIn);
        }
    }

    private static void activationAlpha(String method, double alpha) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new KilnException(method + ": alpha must be a finite number >= 0, got " + alpha);
        }
    }

    /** {@link Backend#transpose}: x and out hold exactly rows * cols elements; out is not x. */
    public static void transpose(Backend backend, int rows, int cols, Buffer x, Buffer out) {
        String method = "transpose";
        notNegative(method, "rows, cols", rows, cols);
        owned(backend, method, "x", x);
        owned(backend, method, "out", out);
        sameDType(method, "x", x, "out", out);
        real(method, x, out);
        exact(method, "x [rows, cols]", x, (long) rows * cols);
        exact(method, "out [cols, rows]", out, (long) rows * cols);
        distinct(method, "out", out, "x", x);
    }

    /** {@link Backend#permute}: a permutation of 1 to 6 axes, dims not negative, x and out of their product; out is not x. */
    public static void permute(Backend backend, int[] dims, int[] axes, Buffer x, Buffer out) {
        String method = "permute";
        notNull(method, "dims", dims);
        notNull(method, "axes", axes);
        int rank = dims.length;
        if (rank < 1 || rank > Backend.MAX_PERMUTE_RANK || axes.length != rank) {
            throw new KilnException("permute: expected 1 to " + Backend.MAX_PERMUTE_RANK + " dims and as many axes, got dims "
                    + Arrays.toString(dims) + " and axes " + Arrays.toString(axes));
        }
        boolean[] seen = new boolean[rank];
        long size = 1;
        for (int d = 0; d < rank; d++) {
            if (axes[d] < 0 || axes[d] >= rank || seen[axes[d]] || dims[d] < 0) {
                throw new KilnException("permute: axes " + Arrays.toString(axes) + " must be a permutation of [0, "
                        + rank + ") and dims " + Arrays.toString(dims) + " not negative");
            }
            seen[axes[d]] = true;
            size *= dims[d];
        }
        owned(backend, method, "x", x);
        owned(backend, method, "out", out);
        sameDType(method, "x", x, "out", out);
        real(method, x, out);
        exact(method, "x", x, size);
        exact(method, "out", out, size);
        distinct(method, "out", out, "x", x);
    }

    /** {@link Backend#gather}: table [rows, cols], indices [count], out [count, cols], exactly; out is neither input. */
    public static void gather(Backend backend, int rows, int cols, int count, Buffer table, Buffer indices, Buffer out) {
        String method = "gather";
        notNegative(method, "rows, cols, count", rows, cols, count);
        owned(backend, method, "table", table);
        owned(backend, method, "indices", indices);
        owned(backend, method, "out", out);
        sameDType(method, "table", table, "out", out);
        real(method, table, out);
        indexDType(method, indices);
        exact(method, "table [rows, cols]", table, (long) rows * cols);
        exact(method, "indices [count]", indices, count);
        exact(method, "out [count, cols]", out, (long) count * cols);
        distinct(method, "out", out, "table", table, "indices", indices);
    }

    /** {@link Backend#scatterAdd}: indices [count], values [count, cols], out [rows, cols], exactly; out is neither input. */
    public static void scatterAdd(Backend backend, int rows, int cols, int count, Buffer indices, Buffer values,
                                  Buffer out) {
        String method = "scatterAdd";
        notNegative(method, "rows, cols, count", rows, cols, count);
        owned(backend, method, "indices", indices);
        owned(backend, method, "values", values);
        owned(backend, method, "out", out);
        sameDType(method, "values", values, "out", out);
        real(method, values, out);
        indexDType(method, indices);
        exact(method, "indices [count]", indices, count);
        exact(method, "values [count, cols]", values, (long) count * cols);
        exact(method, "out [rows, cols]", out, (long) rows * cols);
        distinct(method, "out", out, "indices", indices, "values", values);
    }

    // ---- sliding windows ----

    /** {@link Backend#im2col}: image [batch, height, width, channels] and columns [columnRows, columnWidth], exactly. */
    public static void im2col(Backend backend, Window2d window, Buffer image, Buffer columns) {
        String method = "im2col";
        notNull(method, "window", window);
        owned(backend, method, "image", image);
        owned(backend, method, "columns", columns);
        sameDType(method, "image", image, "columns", columns);
        real(method, image, columns);
        exact(method, "image [batch, height, width, channels]", image, window.imageLength());
        exact(method, "columns [batch * outHeight * outWidth, kernelHeight * kernelWidth * channels]", columns,
                (long) window.columnRows() * window.columnWidth());
        distinct(method, "columns", columns, "image", image);
    }

    /** {@link Backend#col2im}: the shapes of {@link #im2col}; image is the output. */
    public static void col2im(Backend backend, Window2d window, Buffer columns, Buffer image) {
        String method = "col2im";
        notNull(method, "window", window);
        owned(backend, method, "columns", columns);
        owned(backend, method, "image", image);
        sameDType(method, "columns", columns, "image", image);
        real(method, columns, image);
        exact(method, "columns [batch * outHeight * outWidth, kernelHeight * kernelWidth * channels]", columns,
                (long) window.columnRows() * window.columnWidth());
        exact(method, "image [batch, height, width, channels]", image, window.imageLength());
        distinct(method, "image", image, "columns", columns);
    }

    /** {@link Backend#maxPool}: a window without dilation, image and out exactly, an I32 argmax of out's length. */
    public static void maxPool(Backend backend, Window2d window, Buffer image, Buffer out, Buffer argmax) {
        String method = "maxPool";
        pooling(method, window);
        owned(backend, method, "image", image);
        owned(backend, method, "out", out);
        owned(backend, method, "argmax", argmax);
        sameDType(method, "image", image, "out", out);
        real(method, image, out);
        argmaxDType(method, argmax);
        exact(method, "image [batch, height, width, channels]", image, window.imageLength());
        exact(method, "out [batch, outHeight, outWidth, channels]", out, window.pooledLength());
        exact(method, "argmax [batch, outHeight, outWidth, channels]", argmax, window.pooledLength());
        distinct(method, "out", out, "image", image, "argmax", argmax);
    }

    /** {@link Backend#maxPoolBackward}: the shapes of {@link #maxPool}; gradImage is the output. */
    public static void maxPoolBackward(Backend backend, Window2d window, Buffer gradOut, Buffer argmax,
                                       Buffer gradImage) {
        String method = "maxPoolBackward";
        pooling(method, window);
        owned(backend, method, "gradOut", gradOut);
        owned(backend, method, "argmax", argmax);
        owned(backend, method, "gradImage", gradImage);
        sameDType(method, "gradOut", gradOut, "gradImage", gradImage);
        real(method, gradOut, gradImage);
        argmaxDType(method, argmax);
        exact(method, "gradOut [batch, outHeight, outWidth, channels]", gradOut, window.pooledLength());
        exact(method, "argmax [batch, outHeight, outWidth, channels]", argmax, window.pooledLength());
        exact(method, "gradImage [batch, height, width, channels]", gradImage, window.imageLength());
        distinct(method, "gradImage", gradImage, "gradOut", gradOut, "argmax", argmax);
    }

    /** {@link Backend#avgPool}: a window without dilation, image and out exactly. */
    public static void avgPool(Backend backend, Window2d window, Buffer image, Buffer out) {
        String method = "avgPool";
        pooling(method, window);
        owned(backend, method, "image", image);
        owned(backend, method, "out", out);
        sameDType(method, "image", image, "out", out);
        real(method, image, out);
        exact(method, "image [batch, height, width, channels]", image, window.imageLength());
        exact(method, "out [batch, outHeight, outWidth, channels]", out, window.pooledLength());
        distinct(method, "out", out, "image", image);
    }

    /** {@link Backend#avgPoolBackward}: the shapes of {@link #avgPool}; gradImage is the output. */
    public static void avgPoolBackward(Backend backend, Window2d window, Buffer gradOut, Buffer gradImage) {
        String method = "avgPoolBackward";
        pooling(method, window);
        owned(backend, method, "gradOut", gradOut);
        owned(backend, method, "gradImage", gradImage);
        sameDType(method, "gradOut", gradOut, "gradImage", gradImage);
        real(method, gradOut, gradImage);
        exact(method, "gradOut [batch, outHeight, outWidth, channels]", gradOut, window.pooledLength());
        exact(method, "gradImage [batch, height, width, channels]", gradImage, window.imageLength());
        distinct(method, "gradImage", gradImage, "gradOut", gradOut);
    }

    // ---- recurrent cells ----

    /** {@link Backend#rnnCell}: inputGates [steps, batch, units], recurrent and h [batch, units], states [steps + 1, batch, units]. */
    public static void rnnCell(Backend backend, SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask,
                               Buffer states, Buffer h) {
        String method = "rnnCell";
        cellBuffers(backend, method, at, "inputGates", inputGates, "recurrent", recurrent, "states", states, "h", h);
        cellMask(backend, method, at, mask, states);
        exact(method, "inputGates [steps, batch, units]", inputGates, at.sequence(1));
        exact(method, "recurrent [batch, units]", recurrent, at.matrix());
        exact(method, "states [steps + 1, batch, units]", states, at.states(1));
        exact(method, "h [batch, units]", h, at.matrix());
        distinct(method, "states", states, "inputGates", inputGates, "recurrent", recurrent, "mask", mask);
        distinct(method, "h", h, "inputGates", inputGates, "recurrent", recurrent, "mask", mask, "states", states);
    }

    /** {@link Backend#rnnCellBackward}: states and gradStates [steps + 1, batch, units], gradH and gradGates [batch, units]. */
    public static void rnnCellBackward(Backend backend, SequenceStep at, Buffer mask, Buffer states, Buffer gradStates,
                                       Buffer gradH, Buffer gradGates) {
        String method = "rnnCellBackward";
        cellBuffers(backend, method, at, "states", states, "gradStates", gradStates, "gradH", gradH, "gradGates",
                gradGates);
        cellMask(backend, method, at, mask, states);
        exact(method, "states [steps + 1, batch, units]", states, at.states(1));
        exact(method, "gradStates [steps + 1, batch, units]", gradStates, at.states(1));
        exact(method, "gradH [batch, units]", gradH, at.matrix());
        exact(method, "gradGates [batch, units]", gradGates, at.matrix());
        distinct(method, "gradH", gradH, "mask", mask, "states", states, "gradStates", gradStates);
        distinct(method, "gradGates", gradGates, "mask", mask, "states", states, "gradStates", gradStates,
                "gradH", gradH);
    }

    /** {@link Backend#lstmCell}: inputGates [steps, batch, 4 units], recurrent and gates [batch, 4 units], states [steps + 1, batch, 2 units]. */
    public static void lstmCell(Backend backend, SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask,
                                Buffer states, Buffer h, Buffer gates) {
        String method = "lstmCell";
        cellBuffers(backend, method, at, "inputGates", inputGates, "recurrent", recurrent, "states", states, "h", h,
                "gates", gates);
        cellMask(backend, method, at, mask, states);
        exact(method, "inputGates [steps, batch, 4 * units]", inputGates, at.sequence(4));
        exact(method, "recurrent [batch, 4 * units]", recurrent, 4 * at.matrix());
        exact(method, "states [steps + 1, batch, 2 * units]", states, at.states(2));
        exact(method, "h [batch, units]", h, at.matrix());
        exact(method, "gates [batch, 4 * units]", gates, 4 * at.matrix());
        distinct(method, "states", states, "inputGates", inputGates, "recurrent", recurrent, "mask", mask);
        distinct(method, "h", h, "inputGates", inputGates, "recurrent", recurrent, "mask", mask, "states", states);
        distinct(method, "gates", gates, "inputGates", inputGates, "recurrent", recurrent, "mask", mask,
                "states", states, "h", h);
    }

    /** {@link Backend#lstmCellBackward}: the shapes of {@link #lstmCell}; gradH and gradC [batch, units], gradGates [batch, 4 units]. */
    public static void lstmCellBackward(Backend backend, SequenceStep at, Buffer mask, Buffer states, Buffer gates,
                                        Buffer gradStates, Buffer gradH, Buffer gradC, Buffer gradGates) {
        String method = "lstmCellBackward";
        cellBuffers(backend, method, at, "states", states, "gates", gates, "gradStates", gradStates, "gradH", gradH,
                "gradC", gradC, "gradGates", gradGates);
        cellMask(backend, method, at, mask, states);
        exact(method, "states [steps + 1, batch, 2 * units]", states, at.states(2));
        exact(method, "gates [batch, 4 * units]", gates, 4 * at.matrix());
        exact(method, "gradStates [steps + 1, batch, 2 * units]", gradStates, at.states(2));
        exact(method, "gradH [batch, units]", gradH, at.matrix());
        exact(method, "gradC [batch, units]", gradC, at.matrix());
        exact(method, "gradGates [batch, 4 * units]", gradGates, 4 * at.matrix());
        distinct(method, "gradH", gradH, "mask", mask, "states", states, "gates", gates, "gradStates", gradStates);
        distinct(method, "gradC", gradC, "mask", mask, "states", states, "gates", gates, "gradStates", gradStates,
                "gradH", gradH);
        distinct(method, "gradGates", gradGates, "mask", mask, "states", states, "gates", gates,
                "gradStates", gradStates, "gradH", gradH, "gradC", gradC);
    }

    /** {@link Backend#gruCell}: inputGates [steps, batch, 3 units], recurrent [batch, 3 units], recurrentBias [3 units] or null, gates [batch, 4 units]. */
    public static void gruCell(Backend backend, SequenceStep at, Buffer inputGates, Buffer recurrent,
                               Buffer recurrentBias, Buffer mask, Buffer states, Buffer h, Buffer gates) {
        String method = "gruCell";
        cellBuffers(backend, method, at, "inputGates", inputGates, "recurrent", recurrent, "states", states, "h", h,
                "gates", gates);
        cellMask(backend, method, at, mask, states);
        if (recurrentBias != null) {
            owned(backend, method, "recurrentBias", recurrentBias);
            sameDType(method, "states", states, "recurrentBias", recurrentBias);
            exact(method, "recurrentBias [3 * units]", recurrentBias, 3L * at.units());
        }
        exact(method, "inputGates [steps, batch, 3 * units]", inputGates, at.sequence(3));
        exact(method, "recurrent [batch, 3 * units]", recurrent, 3 * at.matrix());
        exact(method, "states [steps + 1, batch, units]", states, at.states(1));
        exact(method, "h [batch, units]", h, at.matrix());
        exact(method, "gates [batch, 4 * units]", gates, 4 * at.matrix());
        distinct(method, "states", states, "inputGates", inputGates, "recurrent", recurrent, "recurrentBias",
                recurrentBias, "mask", mask);
        distinct(method, "h", h, "inputGates", inputGates, "recurrent", recurrent, "recurrentBias", recurrentBias,
                "mask", mask, "states", states);
        distinct(method, "gates", gates, "inputGates", inputGates, "recurrent", recurrent, "recurrentBias",
                recurrentBias, "mask", mask, "states", states, "h", h);
    }

    /** {@link Backend#gruCellBackward}: the shapes of {@link #gruCell}; gradInputGates and gradRecurrent [batch, 3 units]. */
    public static void gruCellBackward(Backend backend, SequenceStep at, Buffer mask, Buffer states, Buffer gates,
                                       Buffer gradStates, Buffer gradH, Buffer gradInputGates, Buffer gradRecurrent) {
        String method = "gruCellBackward";
        cellBuffers(backend, method, at, "states", states, "gates", gates, "gradStates", gradStates, "gradH", gradH,
                "gradInputGates", gradInputGates, "gradRecurrent", gradRecurrent);
        cellMask(backend, method, at, mask, states);
        exact(method, "states [steps + 1, batch, units]", states, at.states(1));
        exact(method, "gates [batch, 4 * units]", gates, 4 * at.matrix());
        exact(method, "gradStates [steps + 1, batch, units]", gradStates, at.states(1));
        exact(method, "gradH [batch, units]", gradH, at.matrix());
        exact(method, "gradInputGates [batch, 3 * units]", gradInputGates, 3 * at.matrix());
        exact(method, "gradRecurrent [batch, 3 * units]", gradRecurrent, 3 * at.matrix());
        distinct(method, "gradH", gradH, "mask", mask, "states", states, "gates", gates, "gradStates", gradStates);
        distinct(method, "gradInputGates", gradInputGates, "mask", mask, "states", states, "gates", gates,
                "gradStates", gradStates, "gradH", gradH);
        distinct(method, "gradRecurrent", gradRecurrent, "mask", mask, "states", states, "gates", gates,
                "gradStates", gradStates, "gradH", gradH, "gradInputGates", gradInputGates);
    }

    /** {@link Backend#gruResetCell}: inputGates [steps, batch, 3 units], recurrent [batch, 2 units], resetHidden [batch, units], gates [batch, 3 units]. */
    public static void gruResetCell(Backend backend, SequenceStep at, Buffer inputGates, Buffer recurrent,
                                    Buffer states, Buffer resetHidden, Buffer gates) {
        String method = "gruResetCell";
        cellBuffers(backend, method, at, "inputGates", inputGates, "recurrent", recurrent, "states", states,
                "resetHidden", resetHidden, "gates", gates);
        exact(method, "inputGates [steps, batch, 3 * units]", inputGates, at.sequence(3));
        exact(method, "recurrent [batch, 2 * units]", recurrent, 2 * at.matrix());
        exact(method, "states [steps + 1, batch, units]", states, at.states(1));
        exact(method, "resetHidden [batch, units]", resetHidden, at.matrix());
        exact(method, "gates [batch, 3 * units]", gates, 3 * at.matrix());
        distinct(method, "resetHidden", resetHidden, "inputGates", inputGates, "recurrent", recurrent,
                "states", states);
        distinct(method, "gates", gates, "inputGates", inputGates, "recurrent", recurrent, "states", states,
                "resetHidden", resetHidden);
    }

    /** {@link Backend#gruCandidateCell}: inputGates [steps, batch, 3 units], recurrent and h [batch, units], gates [batch, 3 units]. */
    public static void gruCandidateCell(Backend backend, SequenceStep at, Buffer inputGates, Buffer recurrent,
                                        Buffer mask, Buffer states, Buffer h, Buffer gates) {
        String method = "gruCandidateCell";
        cellBuffers(backend, method, at, "inputGates", inputGates, "recurrent", recurrent, "states", states, "h", h,
                "gates", gates);
        cellMask(backend, method, at, mask, states);
        exact(method, "inputGates [steps, batch, 3 * units]", inputGates, at.sequence(3));
        exact(method, "recurrent [batch, units]", recurrent, at.matrix());
        exact(method, "states [steps + 1, batch, units]", states, at.states(1));
        exact(method, "h [batch, units]", h, at.matrix());
        exact(method, "gates [batch, 3 * units]", gates, 3 * at.matrix());
        distinct(method, "states", states, "inputGates", inputGates, "recurrent", recurrent, "mask", mask,
                "gates", gates);
        distinct(method, "h", h, "inputGates", inputGates, "recurrent", recurrent, "mask", mask, "states", states,
                "gates", gates);
        distinct(method, "gates", gates, "inputGates", inputGates, "recurrent", recurrent, "mask", mask);
    }

    /** {@link Backend#gruCandidateCellBackward}: the shapes of {@link #gruCandidateCell}; gradCandidate [batch, units], gradResetGates [batch, 2 units]. */
    public static void gruCandidateCellBackward(Backend backend, SequenceStep at, Buffer mask, Buffer states,
                                                Buffer gates, Buffer gradStates, Buffer gradH, Buffer gradCandidate,
                                                Buffer gradResetGates) {
        String method = "gruCandidateCellBackward";
        cellBuffers(backend, method, at, "states", states, "gates", gates, "gradStates", gradStates, "gradH", gradH,
                "gradCandidate", gradCandidate, "gradResetGates", gradResetGates);
        cellMask(backend, method, at, mask, states);
        exact(method, "states [steps + 1, batch, units]", states, at.states(1));
        exact(method, "gates [batch, 3 * units]", gates, 3 * at.matrix());
        exact(method, "gradStates [steps + 1, batch, units]", gradStates, at.states(1));
        exact(method, "gradH [batch, units]", gradH, at.matrix());
        exact(method, "gradCandidate [batch, units]", gradCandidate, at.matrix());
        exact(method, "gradResetGates [batch, 2 * units]", gradResetGates, 2 * at.matrix());
        distinct(method, "gradH", gradH, "mask", mask, "states", states, "gates", gates, "gradStates", gradStates);
        distinct(method, "gradCandidate", gradCandidate, "mask", mask, "states", states, "gates", gates,
                "gradStates", gradStates, "gradH", gradH);
        distinct(method, "gradResetGates", gradResetGates, "mask", mask, "states", states, "gates", gates,
                "gradStates", gradStates, "gradH", gradH, "gradCandidate", gradCandidate);
    }

    /** {@link Backend#gruResetCellBackward}: the shapes of {@link #gruResetCell}; gradResetHidden and gradH [batch, units], gradResetGates [batch, 2 units]. */
    public static void gruResetCellBackward(Backend backend, SequenceStep at, Buffer states, Buffer gates,
                                            Buffer gradResetHidden, Buffer gradH, Buffer gradResetGates) {
        String method = "gruResetCellBackward";
        cellBuffers(backend, method, at, "states", states, "gates", gates, "gradResetHidden", gradResetHidden,
                "gradH", gradH, "gradResetGates", gradResetGates);
        exact(method, "states [steps + 1, batch, units]", states, at.states(1));
        exact(method, "gates [batch, 3 * units]", gates, 3 * at.matrix());
        exact(method, "gradResetHidden [batch, units]", gradResetHidden, at.matrix());
        exact(method, "gradH [batch, units]", gradH, at.matrix());
        exact(method, "gradResetGates [batch, 2 * units]", gradResetGates, 2 * at.matrix());
        distinct(method, "gradH", gradH, "states", states, "gates", gates, "gradResetHidden", gradResetHidden);
        distinct(method, "gradResetGates", gradResetGates, "states", states, "gates", gates,
                "gradResetHidden", gradResetHidden, "gradH", gradH);
    }

    /** The buffers of a cell call: live buffers of this backend, of one real dtype. */
    private static void cellBuffers(Backend backend, String method, SequenceStep at, Object... rolesAndBuffers) {
        notNull(method, "at", at);
        for (int i = 0; i < rolesAndBuffers.length; i += 2) {
            owned(backend, method, (String) rolesAndBuffers[i], (Buffer) rolesAndBuffers[i + 1]);
        }
        sameDType(method, rolesAndBuffers);
        for (int i = 1; i < rolesAndBuffers.length; i += 2) {
            real(method, (Buffer) rolesAndBuffers[i]);
        }
    }

    /** The optional mask of a cell call: null, or exactly [steps, batch] in the states' dtype. */
    private static void cellMask(Backend backend, String method, SequenceStep at, Buffer mask, Buffer states) {
        if (mask != null) {
            owned(backend, method, "mask", mask);
            sameDType(method, "states", states, "mask", mask);
            exact(method, "mask [steps, batch]", mask, (long) at.steps() * at.batch());
        }
    }

    // ---- element-wise ----

    /** {@link Backend#unary}: out of exactly x's length; out may be x. */
    public static void unary(Backend backend, UnaryOp op, Buffer x, Buffer out) {
        notNull("unary", "op", op);
        String method = UNARY.get(op);
        owned(backend, method, "x", x);
        owned(backend, method, "out", out);
        sameDType(method, "x", x, "out", out);
        real(method, x, out);
        exact(method, "out", out, x.length());
    }

    /** {@link Backend#unaryBackward}: y, gradOut and gradIn of exactly x's length; gradIn may be any input. */
    public static void unaryBackward(Backend backend, UnaryOp op, Buffer x, Buffer y, Buffer gradOut, Buffer gradIn) {
        notNull("unaryBackward", "op", op);
        String method = UNARY_BACKWARD.get(op);
        owned(backend, method, "x", x);
        owned(backend, method, "y", y);
        owned(backend, method, "gradOut", gradOut);
        owned(backend, method, "gradIn", gradIn);
        sameDType(method, "x", x, "y", y, "gradOut", gradOut, "gradIn", gradIn);
        real(method, x, y, gradOut, gradIn);
        exact(method, "y", y, x.length());
        exact(method, "gradOut", gradOut, x.length());
        exact(method, "gradIn", gradIn, x.length());
    }

    /**
     * {@link Backend#binary}: a and b hold exactly the elements of the axes they span, out exactly the whole shape;
     * out may be an operand (which then spans the whole output).
     */
    public static void binary(Backend backend, BinaryOp op, Broadcast shape, Buffer a, Buffer b, Buffer out) {
        notNull("binary", "op", op);
        String method = BINARY.get(op);
        notNull(method, "shape", shape);
        owned(backend, method, "a", a);
        owned(backend, method, "b", b);
        owned(backend, method, "out", out);
        sameDType(method, "a", a, "b", b, "out", out);
        real(method, a, b, out);
        exact(method, "a", a, shape.operandLength(shape.aAxes()));
        exact(method, "b", b, shape.operandLength(shape.bAxes()));
        exact(method, "out", out, shape.length());
        // out may be a or b: with every length exact, only an operand that spans the whole output can be out.
    }

    // ---- reductions and row-wise ops ----

    /** {@link Backend#reduce}: outer, inner >= 0, middle >= 1; x exactly [outer, middle, inner], out [outer, inner]; out is not x. */
    public static void reduce(Backend backend, ReduceOp op, int outer, int middle, int inner, Buffer x, Buffer out) {
        notNull("reduce", "op", op);
        String method = REDUCE.get(op);
        if (outer < 0 || middle < 1 || inner < 0) {
            throw new KilnException(method + ": expected outer >= 0, middle >= 1 and inner >= 0, got outer=" + outer
                    + ", middle=" + middle + ", inner=" + inner);
        }
        owned(backend, method, "x", x);
        owned(backend, method, "out", out);
        sameDType(method, "x", x, "out", out);
        real(method, x, out);
        exact(method, "x [outer, middle, inner]", x, (long) outer * middle * inner);
        exact(method, "out [outer, inner]", out, (long) outer * inner);
        distinct(method, "out", out, "x", x);
    }

    /**
     * {@link Backend#histogram}: x real with fewer than 2^31 elements, counts I32 of exactly {@code bins} elements;
     * finite low < high, bins >= 1, and a bin scale finite in x's dtype.
     */
    public static void histogram(Backend backend, Buffer x, double low, double high, int bins, Buffer counts) {
        String method = "histogram";
        owned(backend, method, "x", x);
        owned(backend, method, "counts", counts);
        real(method, x);
        if (counts.dtype() != DType.I32) {
            throw new KilnException(method + ": counts is an " + counts.dtype() + " buffer; it must be I32");
        }
        if (bins < 1) {
            throw new KilnException(method + ": expected bins >= 1, got " + bins);
        }
        if (!(Double.isFinite(low) && Double.isFinite(high) && low < high)) {
            throw new KilnException(method + ": expected a finite range with low < high, got [" + low + ", " + high + "]");
        }
        if (!Double.isFinite(HistogramScale.of(x.dtype(), low, high, bins))) {
            throw new KilnException(method + ": the range [" + low + ", " + high + "] is too narrow for " + bins
                    + " bins in " + x.dtype() + " (bins / (high - low) overflows)");
        }
        if (x.length() > Integer.MAX_VALUE) {
            throw new KilnException(method + ": x has " + x.length() + " elements; counts are ints, so at most "
                    + Integer.MAX_VALUE);
        }
        exact(method, "counts [bins]", counts, bins);
    }

    /** {@link Backend#softmax}: rows >= 0, cols >= 1; x and out exactly [rows, cols]; out is not x. */
    public static void softmax(Backend backend, boolean log, int rows, int cols, Buffer x, Buffer out) {
        String method = log ? "logSoftmax" : "softmax";
        rowsAndColumns(method, "cols", rows, cols);
        owned(backend, method, "x", x);
        owned(backend, method, "out", out);
        sameDType(method, "x", x, "out", out);
        real(method, x, out);
        exact(method, "x [rows, cols]", x, (long) rows * cols);
        exact(method, "out [rows, cols]", out, (long) rows * cols);
        distinct(method, "out", out, "x", x);
    }

    /** {@link Backend#softmaxBackward}: y, gradOut and gradIn exactly [rows, cols]; gradIn is neither input. */
    public static void softmaxBackward(Backend backend, boolean log, int rows, int cols, Buffer y, Buffer gradOut,
                                       Buffer gradIn) {
        String method = log ? "logSoftmaxBackward" : "softmaxBackward";
        rowsAndColumns(method, "cols", rows, cols);
        owned(backend, method, "y", y);
        owned(backend, method, "gradOut", gradOut);
        owned(backend, method, "gradIn", gradIn);
        sameDType(method, "y", y, "gradOut", gradOut, "gradIn", gradIn);
        real(method, y, gradOut, gradIn);
        exact(method, "y [rows, cols]", y, (long) rows * cols);
        exact(method, "gradOut [rows, cols]", gradOut, (long) rows * cols);
        exact(method, "gradIn [rows, cols]", gradIn, (long) rows * cols);
        distinct(method, "gradIn", gradIn, "y", y, "gradOut", gradOut);
    }

    /**
     * {@link Backend#softmaxCrossEntropy}: logits, targets and probabilities exactly [rows, cols], losses [rows];
     * the two outputs are different buffers and neither is an input.
     */
    public static void softmaxCrossEntropy(Backend backend, int rows, int cols, Buffer logits, Buffer targets,
                                           Buffer probabilities, Buffer losses) {
        String method = "softmaxCrossEntropy";
        rowsAndColumns(method, "cols", rows, cols);
        crossEntropyOperands(backend, method, rows, cols, logits, targets, probabilities, "losses", "losses [rows]",
                losses, rows);
    }

    /**
     * What both cross-entropy forwards check: logits, targets and probabilities exactly [rows, cols], the output
     * {@code outName} exactly {@code outLength}, all owned and of one real dtype; the two outputs are no inputs.
     */
    private static void crossEntropyOperands(Backend backend, String method, int rows, int cols, Buffer logits,
                                             Buffer targets, Buffer probabilities, String outName, String outShaped,
                                             Buffer out, long outLength) {
        owned(backend, method, "logits", logits);
        owned(backend, method, "targets", targets);
        owned(backend, method, "probabilities", probabilities);
        owned(backend, method, outName, out);
        sameDType(method, "logits", logits, "targets", targets, "probabilities", probabilities, outName, out);
        real(method, logits, targets, probabilities, out);
        exact(method, "logits [rows, cols]", logits, (long) rows * cols);
        exact(method, "targets [rows, cols]", targets, (long) rows * cols);
        exact(method, "probabilities [rows, cols]", probabilities, (long) rows * cols);
        exact(method, outShaped, out, outLength);
        distinct(method, "probabilities", probabilities, "logits", logits, "targets", targets, outName, out);
        distinct(method, outName, out, "logits", logits, "targets", targets);
    }

    /**
     * {@link Backend#softmaxCrossEntropyTotal}: rows >= 1, cols >= 1, a finite scale; total exactly [1], the others
     * exactly [rows, cols]; probabilities and total are no inputs and distinct.
     */
    public static void softmaxCrossEntropyTotal(Backend backend, int rows, int cols, double scale, Buffer logits,
                                                Buffer targets, Buffer probabilities, Buffer total) {
        String method = "softmaxCrossEntropyTotal";
        if (rows < 1 || cols < 1) {
            throw new KilnException(method + ": expected rows >= 1 and cols >= 1 (a total of no rows has no mean), got"
                    + " rows=" + rows + ", cols=" + cols);
        }
        if (!Double.isFinite(scale)) {
            throw new KilnException(method + ": scale must be finite, got " + scale);
        }
        crossEntropyOperands(backend, method, rows, cols, logits, targets, probabilities, "total", "total [1]", total,
                1);
    }

    /**
     * {@link Backend#softmaxCrossEntropyBackward}: a finite scale; gradLosses [rows] or [1], the others exactly
     * [rows, cols]; gradLogits is no input.
     */
    public static void softmaxCrossEntropyBackward(Backend backend, int rows, int cols, double scale,
                                                   Buffer probabilities, Buffer targets, Buffer gradLosses,
                                                   Buffer gradLogits) {
        String method = "softmaxCrossEntropyBackward";
        rowsAndColumns(method, "cols", rows, cols);
        owned(backend, method, "probabilities", probabilities);
        owned(backend, method, "targets", targets);
        owned(backend, method, "gradLosses", gradLosses);
        owned(backend, method, "gradLogits", gradLogits);
        sameDType(method, "probabilities", probabilities, "targets", targets, "gradLosses", gradLosses,
                "gradLogits", gradLogits);
        real(method, probabilities, targets, gradLosses, gradLogits);
        exact(method, "probabilities [rows, cols]", probabilities, (long) rows * cols);
        exact(method, "targets [rows, cols]", targets, (long) rows * cols);
        if (gradLosses.length() != 1) {
            exact(method, "gradLosses [rows] (or [1], shared by every row)", gradLosses, rows);
        }
        if (!Double.isFinite(scale)) {
            throw new KilnException(method + ": scale must be finite, got " + scale);
        }
        exact(method, "gradLogits [rows, cols]", gradLogits, (long) rows * cols);
        distinct(method, "gradLogits", gradLogits, "probabilities", probabilities, "targets", targets,
                "gradLosses", gradLosses);
    }

    /**
     * {@link Backend#addArgmaxMatches}: rows >= 0, cols >= 1; predictions exactly [rows, cols], real; labels I32
     * [rows] with classIndices, else [rows, cols] of the predictions' dtype; total one element of that dtype and no
     * input.
     */
    public static void addArgmaxMatches(Backend backend, int rows, int cols, Buffer predictions, Buffer labels,
                                        boolean classIndices, Buffer total) {
        String method = "addArgmaxMatches";
        rowsAndColumns(method, "cols", rows, cols);
        owned(backend, method, "predictions", predictions);
        owned(backend, method, "labels", labels);
        owned(backend, method, "total", total);
        real(method, predictions, total);
        sameDType(method, "predictions", predictions, "total", total);
        if (classIndices) {
            indexDType(method, labels);
            exact(method, "labels [rows]", labels, rows);
        } else {
            sameDType(method, "predictions", predictions, "labels", labels);
            exact(method, "labels [rows, cols]", labels, (long) rows * cols);
        }
        exact(method, "predictions [rows, cols]", predictions, (long) rows * cols);
        exact(method, "total [1]", total, 1);
        distinct(method, "total", total, "predictions", predictions, "labels", labels);
    }

    /** {@link Backend#oneHot}: rows >= 0, classes >= 1; indices exactly [rows], out [rows, classes]; out is not indices. */
    public static void oneHot(Backend backend, int rows, int classes, Buffer indices, Buffer out) {
        String method = "oneHot";
        rowsAndColumns(method, "classes", rows, classes);
        owned(backend, method, "indices", indices);
        owned(backend, method, "out", out);
        real(method, out);
        indexDType(method, indices);
        exact(method, "indices [rows]", indices, rows);
        exact(method, "out [rows, classes]", out, (long) rows * classes);
        distinct(method, "out", out, "indices", indices);
    }

    // ---- training ----

    /**
     * {@link Backend#update}: the rule's number of states; a step >= 1 for the Adam rules; grad and every state of
     * exactly param's length and dtype; param, grad and the states are different buffers.
     */
    public static void update(Backend backend, UpdateRule rule, UpdateParameters parameters, Buffer param, Buffer grad,
                              Buffer... states) {
        notNull("update", "rule", rule);
        updateBuffers(backend, UPDATE.get(rule), rule, parameters, param, grad, states);
    }

    private static void updateBuffers(Backend backend, String method, UpdateRule rule, UpdateParameters parameters,
                                      Buffer param, Buffer grad, Buffer... states) {
        notNull(method, "parameters", parameters);
        notNull(method, "states", states);
        int given = states.length;
        if (given != rule.stateCount()) {
            throw new KilnException(method + ": expected " + rule.stateCount() + " state buffer(s), got " + given);
        }
        if ((rule == UpdateRule.ADAM || rule == UpdateRule.ADAMW) && parameters.step() < 1) {
            throw new KilnException(method + ": step must be at least 1, got " + parameters.step());
        }
        Buffer[] all = new Buffer[given + 2];
        String[] roles = new String[given + 2];
        all[0] = param;
        roles[0] = "param";
        all[1] = grad;
        roles[1] = "grad";
        for (int s = 0; s < given; s++) {
            all[s + 2] = states[s];
            roles[s + 2] = s < STATE_ROLES.length ? STATE_ROLES[s] : "state " + s;
        }
        for (int i = 0; i < all.length; i++) {
            owned(backend, method, roles[i], all[i]);
        }
        for (int i = 1; i < all.length; i++) {
            sameDType(method, roles[0], all[0], roles[i], all[i]);
        }
        real(method, all);
        for (int i = 1; i < all.length; i++) {
            exact(method, roles[i], all[i], param.length());
        }
        for (int i = 0; i < all.length; i++) {
            for (int j = i + 1; j < all.length; j++) {
                if (all[i] == all[j]) {
                    throw new KilnException(method + ": " + roles[i] + " and " + roles[j]
                            + " are the same buffer; they must be different buffers");
                }
            }
        }
    }

    /**
     * {@link Backend#updateGroup}: one grad and one set of states per parameter, each parameter's buffers as
     * {@link #update} requires them, one dtype in the whole group, and no buffer twice.
     */
    public static void updateGroup(Backend backend, UpdateRule rule, UpdateParameters parameters, Buffer[] params,
                                   Buffer[] grads, Buffer[][] states) {
        notNull("updateGroup", "rule", rule);
        String method = UPDATE_GROUP.get(rule);
        notNull(method, "params", params);
        notNull(method, "grads", grads);
        notNull(method, "states", states);
        if (grads.length != params.length || states.length != params.length) {
            throw new KilnException(method + ": " + params.length + " params need as many grads and state sets, got "
                    + grads.length + " and " + states.length);
        }
        Set<Buffer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < params.length; i++) {
            updateBuffers(backend, method, rule, parameters, params[i], grads[i], states[i]);
            if (params[i].dtype() != params[0].dtype()) {
                sameDType(method, "params[0]", params[0], "params[" + i + "]", params[i]);
            }
            seen.add(params[i]);
            seen.add(grads[i]);
            seen.addAll(Arrays.asList(states[i]));
            if (seen.size() != (i + 1) * (2 + rule.stateCount())) {
                throw new KilnException(method + ": the buffers of parameter " + i
                        + " repeat a buffer of an earlier parameter; every buffer must appear once");
            }
        }
    }

    /** {@link Backend#random}: a distribution and a live buffer of this backend. */
    public static void random(Backend backend, Distribution distribution, Buffer out) {
        notNull("random", "distribution", distribution);
        String method = RANDOM.get(distribution);
        owned(backend, method, "out", out);
        real(method, out);
    }

    // ---- the checks themselves ----

    /** Indices of gather, scatterAdd and oneHot, and class labels, are always I32, whatever the values' dtype. */
    private static void indexDType(String method, Buffer indices) {
        if (indices.dtype() != DType.I32) {
            throw new KilnException(method + ": indices are an " + indices.dtype() + " buffer; they must be I32"
                    + " (convert class labels and ids to int where the data enters)");
        }
    }

    /** The argmax of max pooling holds tap numbers, always I32. */
    private static void argmaxDType(String method, Buffer argmax) {
        if (argmax.dtype() != DType.I32) {
            throw new KilnException(method + ": argmax is an " + argmax.dtype() + " buffer; it must be I32 (it holds"
                    + " the tap of each window's maximum)");
        }
    }

    /** Pooling windows have no holes: every window then holds a tap inside the image. */
    private static void pooling(String method, Window2d window) {
        notNull(method, "window", window);
        if (window.dilationHeight() != 1 || window.dilationWidth() != 1) {
            throw new KilnException(method + ": pooling windows have no dilation, got " + window.dilationHeight() + "x"
                    + window.dilationWidth());
        }
    }

    /** Fails unless every buffer is F32 or F64: I32 buffers hold indices, which no arithmetic reads. */
    private static void real(String method, Buffer... buffers) {
        for (Buffer buffer : buffers) {
            if (!buffer.dtype().isReal()) {
                throw new KilnException(method + ": got an " + buffer.dtype() + " buffer; " + method
                        + " computes on F32 or F64 only (I32 buffers hold indices)");
            }
        }
    }

    private static void owned(Backend backend, String method, String role, Buffer buffer) {
        if (buffer == null) {
            throw new KilnException(method + ": " + role + " is null");
        }
        if (buffer.backend() != backend) {
            throw new KilnException(method + ": " + role + " belongs to another backend ('" + buffer.backend().name()
                    + "'), expected a buffer of this '" + backend.name() + "' backend");
        }
        if (backend.isClosed()) {
            throw new BackendClosedException(backend, method);
        }
        if (buffer.isFreed()) {
            throw new KilnException(method + ": " + role + " was already freed");
        }
    }

    /** Fails unless every buffer has the dtype of the first; arguments alternate role and buffer. */
    private static void sameDType(String method, Object... rolesAndBuffers) {
        String firstRole = (String) rolesAndBuffers[0];
        DType first = ((Buffer) rolesAndBuffers[1]).dtype();
        for (int i = 2; i < rolesAndBuffers.length; i += 2) {
            DType other = ((Buffer) rolesAndBuffers[i + 1]).dtype();
            if (other != first) {
                throw new KilnException(method + ": dtypes differ: " + rolesAndBuffers[i] + " is " + other + ", "
                        + firstRole + " is " + first + "; every buffer of one call must have the same dtype");
            }
        }
    }

    private static void exact(String method, String role, Buffer buffer, long expected) {
        if (buffer.length() != expected) {
            throw new KilnException(method + ": " + role + " has " + buffer.length() + " elements, expected " + expected);
        }
    }

    /** Fails unless {@code count} matrices of {@code length} elements, {@code stride} apart, fit in the buffer. */
    private static void reaches(String method, String role, Buffer buffer, int count, long stride, long length) {
        long needed = count == 0 || length == 0 ? 0 : span(count, stride, length, 0);
        if (needed > buffer.length()) {
            throw new KilnException(method + ": " + role + " has " + buffer.length() + " elements, expected at least "
                    + (needed == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : Long.toString(needed)) + " ("
                    + count + " matrices of " + length + ", " + stride + " apart)");
        }
    }

    /**
     * One past the last element that {@code count} blocks of {@code length} at {@code offset}, {@code stride} apart,
     * touch; saturates at Long.MAX_VALUE instead of overflowing.
     */
    private static long span(int count, long stride, long length, long offset) {
        try {
            return Math.addExact(Math.addExact(offset, Math.multiplyExact(count - 1L, stride)), length);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Fails on an output that is also one of the inputs; arguments alternate role and buffer. */
    private static void distinct(String method, String outputRole, Buffer output, Object... rolesAndInputs) {
        for (int i = 0; i < rolesAndInputs.length; i += 2) {
            if (rolesAndInputs[i + 1] == output) {
                throw new KilnException(method + ": " + outputRole + " and " + rolesAndInputs[i]
                        + " are the same buffer; an output must be distinct from the inputs");
            }
        }
    }

    /** Fails on a negative size; {@code names} lists them, comma-separated, in the order of {@code values}. */
    private static void notNegative(String method, String names, long... values) {
        for (long value : values) {
            if (value < 0) {
                String[] name = names.split(", ");
                StringBuilder got = new StringBuilder();
                for (int i = 0; i < values.length; i++) {
                    got.append(i == 0 ? "" : ", ").append(name[i]).append('=').append(values[i]);
                }
                throw new KilnException(method + ": " + names + " must not be negative, got " + got);
            }
        }
    }

    private static void rowsAndColumns(String method, String columns, int rows, int cols) {
        if (rows < 0 || cols < 1) {
            throw new KilnException(method + ": expected rows >= 0 and " + columns + " >= 1, got rows=" + rows + ", "
                    + columns + "=" + cols);
        }
    }

    private static void notNull(String method, String role, Object value) {
        if (value == null) {
            throw new KilnException(method + ": " + role + " is null");
        }
    }
}
