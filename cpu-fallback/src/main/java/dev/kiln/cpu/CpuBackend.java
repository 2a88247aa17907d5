package dev.kiln.cpu;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import dev.kiln.backend.Distribution;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.TransferStats;
import dev.kiln.backend.UnaryOp;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * The backend that computes on the host processor, in F32 and F64; it trains and is the reference of the
 * parity suite; I32 buffers hold indices. Calls run synchronously. Numerics an OpenCL kernel should mirror: gemm, element-wise ops and
 * optimizer updates compute in the buffer's dtype (float arithmetic for F32, with exp, log, tanh, expm1 and
 * log1p evaluated in double and rounded to float); reductions and the row-wise softmax family compute in
 * double and round each output once. Large calls are split across one shared pool of daemon threads along
 * fixed ranges, and every sum runs in a fixed order, so a call gives bit-identical results every time.
 * Transfers are memory copies but are counted like device transfers.
 */
public final class CpuBackend implements Backend {
    static final String NAME = "cpu";
    private static final int ELEMENTWISE_GRAIN = 1 << 15;

    private final DeviceInfo device = HostDevice.describe();
    private long live;
    private final FloatGemm floatGemm = new FloatGemm();
    private final DoubleGemm doubleGemm = new DoubleGemm();
    private long uploads;
    private long uploadedBytes;
    private long downloads;
    private long downloadedBytes;
    private boolean closed;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeviceInfo device() {
        return device;
    }

    @Override
    public boolean supports(DType dtype) {
        return dtype != null;
    }

    // ---- memory ----

    @Override
    public Buffer allocate(DType dtype, long length) {
        open("allocate");
        if (dtype == null) {
            throw new KilnException("allocate: dtype is null; expected F32, F64 or I32");
        }
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new KilnException("allocate: length " + length + " is outside [0, " + (Integer.MAX_VALUE - 8)
                    + "], the largest Java array");
        }
        CpuBuffer buffer;
        try {
            buffer = new CpuBuffer(this, dtype, (int) length);
        } catch (OutOfMemoryError e) {
            throw new KilnException("allocate: out of memory for " + length + " " + dtype + " elements ("
                    + length * dtype.bytes() + " bytes); the JVM may use at most " + Runtime.getRuntime().maxMemory()
                    + " bytes (raise -Xmx)", e);
        }
        live++;
        return buffer;
    }

    @Override
    public void upload(float[] source, Buffer target) {
        CpuBuffer t = typed("upload", "target", target, DType.F32);
        fits("upload", source.length, t);
        System.arraycopy(source, 0, t.floats(), 0, source.length);
        uploads++;
        uploadedBytes += (long) source.length * Float.BYTES;
    }

    @Override
    public void upload(double[] source, Buffer target) {
        CpuBuffer t = typed("upload", "target", target, DType.F64);
        fits("upload", source.length, t);
        System.arraycopy(source, 0, t.doubles(), 0, source.length);
        uploads++;
        uploadedBytes += (long) source.length * Double.BYTES;
    }

    @Override
    public void upload(int[] source, Buffer target) {
        CpuBuffer t = typed("upload", "target", target, DType.I32);
        fits("upload", source.length, t);
        System.arraycopy(source, 0, t.ints(), 0, source.length);
        uploads++;
        uploadedBytes += (long) source.length * Integer.BYTES;
    }

    @Override
    public void download(Buffer source, float[] target) {
        CpuBuffer s = typed("download", "source", source, DType.F32);
        fits("download", target.length, s);
        System.arraycopy(s.floats(), 0, target, 0, target.length);
        downloads++;
        downloadedBytes += (long) target.length * Float.BYTES;
    }

    @Override
    public void download(Buffer source, double[] target) {
        CpuBuffer s = typed("download", "source", source, DType.F64);
        fits("download", target.length, s);
        System.arraycopy(s.doubles(), 0, target, 0, target.length);
        downloads++;
        downloadedBytes += (long) target.length * Double.BYTES;
    }

    @Override
    public void download(Buffer source, int[] target) {
        CpuBuffer s = typed("download", "source", source, DType.I32);
        fits("download", target.length, s);
        System.arraycopy(s.ints(), 0, target, 0, target.length);
        downloads++;
        downloadedBytes += (long) target.length * Integer.BYTES;
    }

    @Override
    public void copy(Buffer source, long sourceOffset, Buffer target, long targetOffset, long length) {
        CpuBuffer s = own("copy", "source", source);
        CpuBuffer t = own("copy", "target", target);
        sameType("copy", s, t);
        if (length < 0 || sourceOffset < 0 || targetOffset < 0
                || sourceOffset + length > s.size() || targetOffset + length > t.size()) {
            throw new KilnException("copy: range of " + length + " elements from offset " + sourceOffset + " of a buffer of "
                    + s.size() + " to offset " + targetOffset + " of a buffer of " + t.size() + " is out of bounds");
        }
        if (s.dtype() == DType.F32) {
            System.arraycopy(s.floats(), (int) sourceOffset, t.floats(), (int) targetOffset, (int) length);
        } else if (s.dtype() == DType.I32) {
            System.arraycopy(s.ints(), (int) sourceOffset, t.ints(), (int) targetOffset, (int) length);
        } else {
            System.arraycopy(s.doubles(), (int) sourceOffset, t.doubles(), (int) targetOffset, (int) length);
        }
    }

    @Override
    public void copyBlocks(int blocks, int blockLength, Buffer source, long sourceOffset, long sourceStride,
                           Buffer target, long targetOffset, long targetStride) {
        String method = "copyBlocks";
        CpuBuffer s = own(method, "source", source);
        CpuBuffer t = own(method, "target", target);
        sameType(method, s, t);
        if (s == t) {
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
        long sourceEnd = blocksEnd(blocks, blockLength, sourceOffset, sourceStride);
        long targetEnd = blocksEnd(blocks, blockLength, targetOffset, targetStride);
        if (sourceEnd > s.size() || targetEnd > t.size()) {
            throw new KilnException("copyBlocks: " + blocks + " blocks of " + blockLength + " elements reach element "
                    + sourceEnd + " of a source of " + s.size() + " (offset " + sourceOffset + ", stride " + sourceStride
                    + ") and element " + targetEnd + " of a target of " + t.size() + " (offset " + targetOffset
                    + ", stride " + targetStride + "); out of bounds");
        }
        int from = (int) sourceOffset;
        int to = (int) targetOffset;
        // Strides may exceed an int only when there is one block, and then they are never used.
        int sourceStep = (int) Math.min(sourceStride, Integer.MAX_VALUE);
        int targetStep = (int) Math.min(targetStride, Integer.MAX_VALUE);
        WorkPool.forRange(blocks, Math.max(1, ELEMENTWISE_GRAIN / blockLength), (first, last) -> {
            for (int b = first; b < last; b++) {
                if (s.dtype() == DType.F32) {
                    System.arraycopy(s.floats(), from + b * sourceStep, t.floats(), to + b * targetStep, blockLength);
                } else if (s.dtype() == DType.I32) {
                    System.arraycopy(s.ints(), from + b * sourceStep, t.ints(), to + b * targetStep, blockLength);
                } else {
                    System.arraycopy(s.doubles(), from + b * sourceStep, t.doubles(), to + b * targetStep, blockLength);
                }
            }
        });
    }

    /** One past the last element that blocks at {@code offset} with {@code stride} touch; saturates instead of overflowing. */
    private static long blocksEnd(int blocks, int blockLength, long offset, long stride) {
        try {
            return Math.addExact(Math.addExact(offset, Math.multiplyExact(blocks - 1L, stride)), blockLength);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    // F32 stores (float) value, I32 (int) value.
    @Override
    public void fill(Buffer target, double value) {
        CpuBuffer t = own("fill", "target", target);
        if (t.dtype() == DType.F32) {
            java.util.Arrays.fill(t.floats(), (float) value);
        } else if (t.dtype() == DType.I32) {
            java.util.Arrays.fill(t.ints(), (int) value);
        } else {
            java.util.Arrays.fill(t.doubles(), value);
        }
    }

    @Override
    public void free(Buffer buffer) {
        if (buffer == null) {
            throw new KilnException("free: buffer is null");
        }
        if (buffer.backend() != this || !(buffer instanceof CpuBuffer cpu)) {
            throw new KilnException("free: " + buffer + " belongs to another backend ('" + buffer.backend().name() + "')");
        }
        if (cpu.isFreed()) {
            throw new KilnException("free: " + buffer + " was already freed");
        }
        cpu.release();
        live--;
    }

    @Override
    public long liveBuffers() {
        return live;
    }

    @Override
    public TransferStats transfers() {
        return new TransferStats(uploads, uploadedBytes, downloads, downloadedBytes);
    }

    @Override
    public void synchronize() {
        // Every call has finished when it returns.
    }

    @Override
    public void close() {
        live = 0;
        closed = true;
    }

    /** Whether {@link #close()} has been called: every buffer of a closed backend counts as freed. */
    boolean isClosed() {
        return closed;
    }

    // ---- linear algebra ----

    @Override
    public void gemm(boolean transposeA, boolean transposeB, int m, int n, int k,
                     double alpha, Buffer a, Buffer b, double beta, Buffer c) {
        String method = "gemm";
        if (m < 0 || n < 0 || k < 0) {
            throw new KilnException("gemm: sizes must not be negative, got m=" + m + ", n=" + n + ", k=" + k);
        }
        CpuBuffer ab = own(method, "a", a);
        CpuBuffer bb = own(method, "b", b);
        CpuBuffer cb = own(method, "c", c);
        real(method, ab, bb, cb);
        sameType(method, ab, bb, cb);
        length(method, "a " + (transposeA ? "[k, m]" : "[m, k]"), ab, (long) m * k);
        length(method, "b " + (transposeB ? "[n, k]" : "[k, n]"), bb, (long) k * n);
        length(method, "c [m, n]", cb, (long) m * n);
        distinct(method, cb, ab, bb);
        if (cb.dtype() == DType.F32) {
            floatGemm.gemm(transposeA, transposeB, m, n, k, (float) alpha, ab.floats(), bb.floats(), (float) beta, cb.floats());
        } else {
            doubleGemm.gemm(transposeA, transposeB, m, n, k, alpha, ab.doubles(), bb.doubles(), beta, cb.doubles());
        }
    }

    /** EJML's blocked transpose. */
    @Override
    public void transpose(int rows, int cols, Buffer x, Buffer out) {
        String method = "transpose";
        CpuBuffer xb = own(method, "x", x);
        CpuBuffer ob = own(method, "out", out);
        real(method, xb, ob);
        sameType(method, xb, ob);
        if (rows < 0 || cols < 0) {
            throw new KilnException("transpose: sizes must not be negative, got " + rows + "x" + cols);
        }
        length(method, "x [rows, cols]", xb, (long) rows * cols);
        length(method, "out [cols, rows]", ob, (long) rows * cols);
        distinct(method, ob, xb);
        if (rows == 0 || cols == 0) {
            return;
        }
        if (xb.dtype() == DType.F32) {
            CommonOps_FDRM.transpose(FMatrixRMaj.wrap(rows, cols, xb.floats()), FMatrixRMaj.wrap(cols, rows, ob.floats()));
        } else {
            CommonOps_DDRM.transpose(DMatrixRMaj.wrap(rows, cols, xb.doubles()), DMatrixRMaj.wrap(cols, rows, ob.doubles()));
        }
    }

    @Override
    public void gemmBatched(boolean transposeA, boolean transposeB, int batch, int m, int n, int k, double alpha,
                            Buffer a, long strideA, Buffer b, long strideB, double beta, Buffer c, long strideC) {
        String method = "gemmBatched";
        if (batch < 0 || m < 0 || n < 0 || k < 0 || strideA < 0 || strideB < 0 || strideC < 0) {
            throw new KilnException("gemmBatched: sizes and strides must not be negative, got batch=" + batch + ", m=" + m
                    + ", n=" + n + ", k=" + k + ", strides " + strideA + ", " + strideB + ", " + strideC);
        }
        CpuBuffer ab = own(method, "a", a);
        CpuBuffer bb = own(method, "b", b);
        CpuBuffer cb = own(method, "c", c);
        real(method, ab, bb, cb);
        sameType(method, ab, bb, cb);
        distinct(method, cb, ab, bb);
        long mk = (long) m * k;
        long kn = (long) k * n;
        long mn = (long) m * n;
        if (batch > 1 && strideC < mn) {
            throw new KilnException("gemmBatched: c stride " + strideC + " is shorter than a product of m * n = " + mn
                    + " elements, so the products would overlap");
        }
        reaches(method, "a", ab, batch, strideA, mk);
        reaches(method, "b", bb, batch, strideB, kn);
        reaches(method, "c", cb, batch, strideC, mn);
        if (batch == 0 || mn == 0) {
            return;
        }
        boolean f32 = cb.dtype() == DType.F32;
        Object av = f32 ? ab.floats() : ab.doubles();
        Object bv = f32 ? bb.floats() : bb.doubles();
        Object cv = f32 ? cb.floats() : cb.doubles();
        // A shared, untransposed-a product over packed a and c is one product of [batch * m, k] by op(b).
        if (batch == 1 || (strideB == 0 && !transposeA && strideA == mk && strideC == mn)) {
            gemmArrays(f32, transposeA, transposeB, Math.multiplyExact(batch, m), n, k, alpha, av, bv, beta, cv);
            return;
        }
        Object as = f32 ? new float[(int) mk] : new double[(int) mk];
        Object bs = strideB == 0 ? bv : f32 ? new float[(int) kn] : new double[(int) kn];
        Object cs = f32 ? new float[(int) mn] : new double[(int) mn];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(av, (int) (i * strideA), as, 0, (int) mk);
            if (strideB != 0) {
                System.arraycopy(bv, (int) (i * strideB), bs, 0, (int) kn);
            }
            if (beta != 0) {
                System.arraycopy(cv, (int) (i * strideC), cs, 0, (int) mn);
            }
            gemmArrays(f32, transposeA, transposeB, m, n, k, alpha, as, bs, beta, cs);
            System.arraycopy(cs, 0, cv, (int) (i * strideC), (int) mn);
        }
    }

    private void gemmArrays(boolean f32, boolean transposeA, boolean transposeB, int m, int n, int k, double alpha,
                            Object a, Object b, double beta, Object c) {
        if (f32) {
            floatGemm.gemm(transposeA, transposeB, m, n, k, (float) alpha, (float[]) a, (float[]) b, (float) beta, (float[]) c);
        } else {
            doubleGemm.gemm(transposeA, transposeB, m, n, k, alpha, (double[]) a, (double[]) b, beta, (double[]) c);
        }
    }

    /** Fails unless {@code count} matrices of {@code length} elements, {@code stride} apart, fit in the buffer. */
    private static void reaches(String method, String role, CpuBuffer buffer, int count, long stride, long length) {
        long end = count == 0 || length == 0 ? 0 : blocksEnd(count, 1, 0, stride) - 1 + length;
        if (end > buffer.size() || end < 0) {
            throw new KilnException(method + ": " + count + " matrices of " + length + " elements, " + stride
                    + " apart, need " + end + " elements of " + role + ", which has " + buffer.size());
        }
    }

    @Override
    public void permute(int[] dims, int[] axes, Buffer x, Buffer out) {
        String method = "permute";
        notNull(method, "dims", dims);
        notNull(method, "axes", axes);
        int rank = dims.length;
        if (rank < 1 || rank > MAX_PERMUTE_RANK || axes.length != rank) {
            throw new KilnException("permute: expected 1 to " + MAX_PERMUTE_RANK + " dims and as many axes, got dims "
                    + java.util.Arrays.toString(dims) + " and axes " + java.util.Arrays.toString(axes));
        }
        boolean[] seen = new boolean[rank];
        long size = 1;
        for (int d = 0; d < rank; d++) {
            if (axes[d] < 0 || axes[d] >= rank || seen[axes[d]] || dims[d] < 0) {
                throw new KilnException("permute: axes " + java.util.Arrays.toString(axes) + " must be a permutation of [0, "
                        + rank + ") and dims " + java.util.Arrays.toString(dims) + " not negative");
            }
            seen[axes[d]] = true;
            size *= dims[d];
        }
        CpuBuffer xb = own(method, "x", x);
        CpuBuffer ob = own(method, "out", out);
        real(method, xb, ob);
        sameType(method, xb, ob);
        length(method, "x", xb, size);
        length(method, "out", ob, size);
        distinct(method, ob, xb);
        if (size == 0) {
            return;
        }
        long[] strides = new long[rank];
        strides[rank - 1] = 1;
        for (int d = rank - 2; d >= 0; d--) {
            strides[d] = strides[d + 1] * dims[d + 1];
        }
        int[] outDims = new int[rank];
        long[] from = new long[rank];
        for (int d = 0; d < rank; d++) {
            outDims[d] = dims[axes[d]];
            from[d] = strides[axes[d]];
        }
        int inner = outDims[rank - 1];
        long step = from[rank - 1];
        WorkPool.forRange((int) (size / inner), Math.max(1, ELEMENTWISE_GRAIN / inner), (first, last) -> {
            for (int row = first; row < last; row++) {
                long source = 0;
                int rest = row;
                for (int d = rank - 2; d >= 0; d--) {
                    source += (rest % outDims[d]) * from[d];
                    rest /= outDims[d];
                }
                if (xb.dtype() == DType.F32) {
                    FloatElementwise.stridedRow(xb.floats(), source, step, ob.floats(), row * inner, inner);
                } else {
                    DoubleElementwise.stridedRow(xb.doubles(), source, step, ob.doubles(), row * inner, inner);
                }
            }
        });
    }

    @Override
    public void gather(int rows, int cols, int count, Buffer table, Buffer indices, Buffer out) {
        String method = "gather";
        counts(method, rows, cols, count);
        CpuBuffer tb = own(method, "table", table);
        CpuBuffer ib = own(method, "indices", indices);
        CpuBuffer ob = own(method, "out", out);
        real(method, tb, ob);
        sameType(method, tb, ob);
        indices(method, ib);
        length(method, "table [rows, cols]", tb, (long) rows * cols);
        length(method, "indices [count]", ib, count);
        length(method, "out [count, cols]", ob, (long) count * cols);
        distinct(method, ob, tb, ib);
        int[] rowOf = rowIndices(method, ib, count, rows);
        WorkPool.forRange(count, Math.max(1, ELEMENTWISE_GRAIN / Math.max(cols, 1)), (first, last) -> {
            for (int i = first; i < last; i++) {
                if (tb.dtype() == DType.F32) {
                    System.arraycopy(tb.floats(), rowOf[i] * cols, ob.floats(), i * cols, cols);
                } else {
                    System.arraycopy(tb.doubles(), rowOf[i] * cols, ob.doubles(), i * cols, cols);
                }
            }
        });
    }

    @Override
    public void scatterAdd(int rows, int cols, int count, Buffer indices, Buffer values, Buffer out) {
        String method = "scatterAdd";
        counts(method, rows, cols, count);
        CpuBuffer ib = own(method, "indices", indices);
        CpuBuffer vb = own(method, "values", values);
        CpuBuffer ob = own(method, "out", out);
        real(method, vb, ob);
        sameType(method, vb, ob);
        indices(method, ib);
        length(method, "indices [count]", ib, count);
        length(method, "values [count, cols]", vb, (long) count * cols);
        length(method, "out [rows, cols]", ob, (long) rows * cols);
        distinct(method, ob, ib, vb);
        int[] rowOf = rowIndices(method, ib, count, rows);
        // Split by columns, so every element still sums its terms in increasing i.
        WorkPool.forRange(cols, Math.max(1, ELEMENTWISE_GRAIN / Math.max(count, 1)), (first, last) -> {
            if (ob.dtype() == DType.F32) {
                FloatElementwise.scatterAddColumns(rowOf, cols, vb.floats(), ob.floats(), first, last);
            } else {
                DoubleElementwise.scatterAddColumns(rowOf, cols, vb.doubles(), ob.doubles(), first, last);
            }
        });
    }

    private static void counts(String method, int rows, int cols, int count) {
        if (rows < 0 || cols < 0 || count < 0) {
            throw new KilnException(method + ": rows, cols and count must not be negative, got " + rows + ", " + cols
                    + " and " + count);
        }
    }

    /** The indices as rows of a table of {@code rows} rows; any other value is an error naming it and its position. */
    private static int[] rowIndices(String method, CpuBuffer indices, int count, int rows) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            int value = indices.ints()[i];
            if (value < 0 || value >= rows) {
                throw new KilnException(method + ": index " + value + " at position " + i
                        + " is outside the table of " + rows + " rows");
            }
            out[i] = value;
        }
        return out;
    }

    // ---- element-wise ----

    @Override
    public void unary(UnaryOp op, double a, double b, Buffer x, Buffer out) {
        String method = "unary " + op;
        notNull("unary", "op", op);
        CpuBuffer xb = own(method, "x", x);
        CpuBuffer ob = own(method, "out", out);
        real(method, xb, ob);
        sameType(method, xb, ob);
        length(method, "out", ob, xb.size());
        if (xb.dtype() == DType.F32) {
            float fa = (float) a;
            float fb = (float) b;
            WorkPool.forRange(xb.size(), ELEMENTWISE_GRAIN,
                    (from, to) -> FloatElementwise.unary(op, fa, fb, xb.floats(), ob.floats(), from, to));
        } else {
            WorkPool.forRange(xb.size(), ELEMENTWISE_GRAIN,
                    (from, to) -> DoubleElementwise.unary(op, a, b, xb.doubles(), ob.doubles(), from, to));
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, double a, double b, Buffer x, Buffer y, Buffer gradOut, Buffer gradIn) {
        String method = "unaryBackward " + op;
        notNull("unaryBackward", "op", op);
        CpuBuffer xb = own(method, "x", x);
        CpuBuffer yb = own(method, "y", y);
        CpuBuffer gb = own(method, "gradOut", gradOut);
        CpuBuffer gxb = own(method, "gradIn", gradIn);
        real(method, xb, yb, gb, gxb);
        sameType(method, xb, yb, gb, gxb);
        length(method, "y", yb, xb.size());
        length(method, "gradOut", gb, xb.size());
        length(method, "gradIn", gxb, xb.size());
        if (xb.dtype() == DType.F32) {
            float fa = (float) a;
            float fb = (float) b;
            WorkPool.forRange(xb.size(), ELEMENTWISE_GRAIN, (from, to) -> FloatElementwise.unaryBackward(
                    op, fa, fb, xb.floats(), yb.floats(), gb.floats(), gxb.floats(), from, to));
        } else {
            WorkPool.forRange(xb.size(), ELEMENTWISE_GRAIN, (from, to) -> DoubleElementwise.unaryBackward(
                    op, a, b, xb.doubles(), yb.doubles(), gb.doubles(), gxb.doubles(), from, to));
        }
    }

    @Override
    public void binary(BinaryOp op, Broadcast shape, Buffer a, Buffer b, Buffer out) {
        String method = "binary " + op;
        notNull("binary", "op", op);
        notNull(method, "shape", shape);
        CpuBuffer ab = own(method, "a", a);
        CpuBuffer bb = own(method, "b", b);
        CpuBuffer ob = own(method, "out", out);
        real(method, ab, bb, ob);
        sameType(method, ab, bb, ob);
        length(method, "a", ab, shape.operandLength(shape.aAxes()));
        length(method, "b", bb, shape.operandLength(shape.bAxes()));
        length(method, "out", ob, shape.length());
        if ((ob == ab && ab.size() != ob.size()) || (ob == bb && bb.size() != ob.size())) {
            throw new KilnException(method + ": out may be an operand only when that operand spans the whole output");
        }
        int rows = shape.outer() * shape.middle();
        int inner = shape.inner();
        int aStep = (shape.aAxes() & Broadcast.INNER) != 0 ? 1 : 0;
        int bStep = (shape.bAxes() & Broadcast.INNER) != 0 ? 1 : 0;
        WorkPool.forRange(rows, Math.max(1, ELEMENTWISE_GRAIN / inner), (from, to) -> {
            for (int row = from; row < to; row++) {
                int o = row / shape.middle();
                int m = row - o * shape.middle();
                int aStart = (int) shape.operandIndex(shape.aAxes(), o, m, 0);
                int bStart = (int) shape.operandIndex(shape.bAxes(), o, m, 0);
                if (ob.dtype() == DType.F32) {
                    FloatElementwise.binaryRow(op, ab.floats(), aStart, aStep, bb.floats(), bStart, bStep,
                            ob.floats(), row * inner, inner);
                } else {
                    DoubleElementwise.binaryRow(op, ab.doubles(), aStart, aStep, bb.doubles(), bStart, bStep,
                            ob.doubles(), row * inner, inner);
                }
            }
        });
    }

    // ---- reductions and row-wise ops ----

    // Sums accumulate in double in increasing m; MEAN = SUM / middle; MAX and MIN propagate NaN; ARGMAX takes the
    // first of equal values and treats NaN as the largest.
    @Override
    public void reduce(ReduceOp op, int outer, int middle, int inner, Buffer x, Buffer out) {
        String method = "reduce " + op;
        notNull("reduce", "op", op);
        if (outer < 1 || middle < 1 || inner < 1) {
            throw new KilnException(method + ": extents must be positive, got " + outer + "x" + middle + "x" + inner);
        }
        CpuBuffer xb = own(method, "x", x);
        CpuBuffer ob = own(method, "out", out);
        real(method, xb, ob);
        sameType(method, xb, ob);
        length(method, "x [outer, middle, inner]", xb, (long) outer * middle * inner);
        length(method, "out [outer, inner]", ob, (long) outer * inner);
        distinct(method, ob, xb);
        if (xb.dtype() == DType.F32) {
            FloatRows.reduce(op, outer, middle, inner, xb.floats(), ob.floats());
        } else {
            DoubleRows.reduce(op, outer, middle, inner, xb.doubles(), ob.doubles());
        }
    }

    // Max-subtracted: exp(x - max) / sum, log-softmax (x - max) - ln(sum); F32 computes in double, rounds once.
    @Override
    public void softmax(boolean log, int rows, int cols, Buffer x, Buffer out) {
        String method = log ? "logSoftmax" : "softmax";
        rowsAndCols(method, rows, cols);
        CpuBuffer xb = own(method, "x", x);
        CpuBuffer ob = own(method, "out", out);
        real(method, xb, ob);
        sameType(method, xb, ob);
        length(method, "x [rows, cols]", xb, (long) rows * cols);
        length(method, "out [rows, cols]", ob, (long) rows * cols);
        distinct(method, ob, xb);
        if (xb.dtype() == DType.F32) {
            FloatRows.softmax(log, rows, cols, xb.floats(), ob.floats());
        } else {
            DoubleRows.softmax(log, rows, cols, xb.doubles(), ob.doubles());
        }
    }

    @Override
    public void softmaxBackward(boolean log, int rows, int cols, Buffer y, Buffer gradOut, Buffer gradIn) {
        String method = log ? "logSoftmaxBackward" : "softmaxBackward";
        rowsAndCols(method, rows, cols);
        CpuBuffer yb = own(method, "y", y);
        CpuBuffer gb = own(method, "gradOut", gradOut);
        CpuBuffer gxb = own(method, "gradIn", gradIn);
        real(method, yb, gb, gxb);
        sameType(method, yb, gb, gxb);
        for (CpuBuffer buffer : new CpuBuffer[] {yb, gb, gxb}) {
            length(method, "every operand [rows, cols]", buffer, (long) rows * cols);
        }
        distinct(method, gxb, yb, gb);
        if (yb.dtype() == DType.F32) {
            FloatRows.softmaxBackward(log, rows, cols, yb.floats(), gb.floats(), gxb.floats());
        } else {
            DoubleRows.softmaxBackward(log, rows, cols, yb.doubles(), gb.doubles(), gxb.doubles());
        }
    }

    // Terms with a zero target are skipped (no 0 * -infinity); the loss sums in double.
    @Override
    public void softmaxCrossEntropy(int rows, int cols, Buffer logits, Buffer targets, Buffer probabilities, Buffer losses) {
        String method = "softmaxCrossEntropy";
        rowsAndCols(method, rows, cols);
        CpuBuffer lb = own(method, "logits", logits);
        CpuBuffer tb = own(method, "targets", targets);
        CpuBuffer pb = own(method, "probabilities", probabilities);
        CpuBuffer sb = own(method, "losses", losses);
        real(method, lb, tb, pb, sb);
        sameType(method, lb, tb, pb, sb);
        length(method, "logits [rows, cols]", lb, (long) rows * cols);
        length(method, "targets [rows, cols]", tb, (long) rows * cols);
        length(method, "probabilities [rows, cols]", pb, (long) rows * cols);
        length(method, "losses [rows]", sb, rows);
        distinct(method, pb, lb, tb, sb);
        distinct(method, sb, lb, tb);
        if (lb.dtype() == DType.F32) {
            FloatRows.softmaxCrossEntropy(rows, cols, lb.floats(), tb.floats(), pb.floats(), sb.floats());
        } else {
            DoubleRows.softmaxCrossEntropy(rows, cols, lb.doubles(), tb.doubles(), pb.doubles(), sb.doubles());
        }
    }

    @Override
    public void softmaxCrossEntropyBackward(int rows, int cols, Buffer probabilities, Buffer targets,
                                            Buffer gradLosses, Buffer gradLogits) {
        String method = "softmaxCrossEntropyBackward";
        rowsAndCols(method, rows, cols);
        CpuBuffer pb = own(method, "probabilities", probabilities);
        CpuBuffer tb = own(method, "targets", targets);
        CpuBuffer gb = own(method, "gradLosses", gradLosses);
        CpuBuffer gxb = own(method, "gradLogits", gradLogits);
        real(method, pb, tb, gb, gxb);
        sameType(method, pb, tb, gb, gxb);
        length(method, "probabilities [rows, cols]", pb, (long) rows * cols);
        length(method, "targets [rows, cols]", tb, (long) rows * cols);
        length(method, "gradLosses [rows]", gb, rows);
        length(method, "gradLogits [rows, cols]", gxb, (long) rows * cols);
        distinct(method, gxb, pb, tb, gb);
        if (pb.dtype() == DType.F32) {
            FloatRows.softmaxCrossEntropyBackward(rows, cols, pb.floats(), tb.floats(), gb.floats(), gxb.floats());
        } else {
            DoubleRows.softmaxCrossEntropyBackward(rows, cols, pb.doubles(), tb.doubles(), gb.doubles(), gxb.doubles());
        }
    }

    // An index that is not a whole number in [0, classes), NaN included, gives a row of zeros.
    @Override
    public void oneHot(int rows, int classes, Buffer indices, Buffer out) {
        String method = "oneHot";
        if (rows < 0 || classes < 1) {
            throw new KilnException("oneHot: rows must be >= 0 and classes >= 1, got " + rows + " and " + classes);
        }
        CpuBuffer ib = own(method, "indices", indices);
        CpuBuffer ob = own(method, "out", out);
        indices(method, ib);
        real(method, ob);
        length(method, "indices [rows]", ib, rows);
        length(method, "out [rows, classes]", ob, (long) rows * classes);
        distinct(method, ob, ib);
        if (ob.dtype() == DType.F32) {
            FloatRows.oneHot(rows, classes, ib.ints(), ob.floats());
        } else {
            DoubleRows.oneHot(rows, classes, ib.ints(), ob.doubles());
        }
    }

    // ---- training ----

    // Float arithmetic for F32, term by term as UpdateRule writes them, g = grad + weightDecay * p even when the
    // decay is 0; Adam's bias corrections 1 - beta^t come from Math.pow in double, then are rounded.
    @Override
    public void update(UpdateRule rule, UpdateParameters parameters, Buffer param, Buffer grad, Buffer... states) {
        String method = "update " + rule;
        notNull("update", "rule", rule);
        notNull(method, "parameters", parameters);
        if (states == null || states.length != rule.stateCount()) {
            throw new KilnException(method + ": expected " + rule.stateCount() + " state buffer(s), got "
                    + (states == null ? 0 : states.length));
        }
        CpuBuffer pb = own(method, "param", param);
        CpuBuffer gb = own(method, "grad", grad);
        real(method, pb, gb);
        CpuBuffer[] sb = new CpuBuffer[states.length];
        for (int s = 0; s < states.length; s++) {
            sb[s] = own(method, "state " + s, states[s]);
            sameType(method, pb, sb[s]);
            length(method, "state " + s, sb[s], pb.size());
        }
        sameType(method, pb, gb);
        length(method, "grad", gb, pb.size());
        CpuBuffer[] all = new CpuBuffer[sb.length + 2];
        all[0] = pb;
        all[1] = gb;
        System.arraycopy(sb, 0, all, 2, sb.length);
        for (int i = 0; i < all.length; i++) {
            for (int j = i + 1; j < all.length; j++) {
                distinct(method, all[i], all[j]);
            }
        }
        if (pb.dtype() == DType.F32) {
            float[][] stateArrays = new float[sb.length][];
            for (int s = 0; s < sb.length; s++) {
                stateArrays[s] = sb[s].floats();
            }
            FloatUpdates.update(rule, parameters, pb.floats(), gb.floats(), stateArrays, pb.size());
        } else {
            double[][] stateArrays = new double[sb.length][];
            for (int s = 0; s < sb.length; s++) {
                stateArrays[s] = sb[s].doubles();
            }
            DoubleUpdates.update(rule, parameters, pb.doubles(), gb.doubles(), stateArrays, pb.size());
        }
    }

    // F32: u is exact, a and b are rounded to float and the affine maps run in float; the normal deviate is
    // computed in double and rounded before a + b * z.
    @Override
    public void random(Distribution distribution, long seed, long offset, double a, double b, Buffer out) {
        notNull("random", "distribution", distribution);
        CpuBuffer ob = own("random " + distribution, "out", out);
        real("random " + distribution, ob);
        if (ob.dtype() == DType.F32) {
            FloatRandom.fill(distribution, seed, offset, a, b, ob.floats(), ob.size());
        } else {
            DoubleRandom.fill(distribution, seed, offset, a, b, ob.doubles(), ob.size());
        }
    }

    // ---- checks ----

    private void open(String method) {
        if (closed) {
            throw new KilnException(method + ": the CPU backend was closed");
        }
    }

    private CpuBuffer own(String method, String role, Buffer buffer) {
        open(method);
        if (buffer == null) {
            throw new KilnException(method + ": " + role + " is null");
        }
        if (!(buffer instanceof CpuBuffer cpu) || buffer.backend() != this) {
            throw new KilnException(method + ": " + role + " belongs to another backend ('"
                    + buffer.backend().name() + "'), expected a buffer of this CPU backend");
        }
        if (cpu.isFreed()) {
            throw new KilnException(method + ": " + role + " " + buffer + " was freed");
        }
        return cpu;
    }

    private CpuBuffer typed(String method, String role, Buffer buffer, DType expected) {
        CpuBuffer cpu = own(method, role, buffer);
        if (cpu.dtype() != expected) {
            throw new KilnException(method + ": " + role + " is " + cpu.dtype() + ", expected " + expected);
        }
        return cpu;
    }

    private static void fits(String method, int hostLength, CpuBuffer buffer) {
        if (hostLength > buffer.size()) {
            throw new KilnException(method + ": host array of " + hostLength + " elements does not fit a buffer of "
                    + buffer.size());
        }
    }

    private static void sameType(String method, CpuBuffer first, CpuBuffer... others) {
        for (CpuBuffer other : others) {
            if (other.dtype() != first.dtype()) {
                throw new KilnException(method + ": dtypes differ (" + first.dtype() + " and " + other.dtype()
                        + "); every buffer of one call must have the same dtype");
            }
        }
    }

    /** Fails unless every buffer is F32 or F64: I32 buffers hold indices, which no arithmetic reads. */
    private static void real(String method, CpuBuffer... buffers) {
        for (CpuBuffer buffer : buffers) {
            if (!buffer.dtype().isReal()) {
                throw new KilnException(method + ": got an " + buffer.dtype() + " buffer; " + method
                        + " computes on F32 or F64 only (I32 buffers hold indices)");
            }
        }
    }

    /** Fails unless {@code indices} is an I32 buffer. */
    private static void indices(String method, CpuBuffer indices) {
        if (indices.dtype() != DType.I32) {
            throw new KilnException(method + ": indices are an " + indices.dtype() + " buffer; they must be I32"
                    + " (convert class labels and ids to int where the data enters)");
        }
    }

    private static void length(String method, String role, CpuBuffer buffer, long expected) {
        if (buffer.size() != expected) {
            throw new KilnException(method + ": " + role + " has " + buffer.size() + " elements, expected " + expected);
        }
    }

    private static void distinct(String method, CpuBuffer output, CpuBuffer... inputs) {
        for (CpuBuffer input : inputs) {
            if (input == output) {
                throw new KilnException(method + ": an output buffer is also an input; this method needs distinct buffers");
            }
        }
    }

    private static void rowsAndCols(String method, int rows, int cols) {
        if (rows < 0 || cols < 1) {
            throw new KilnException(method + ": rows must be >= 0 and cols >= 1, got " + rows + " and " + cols);
        }
    }

    private static void notNull(String method, String role, Object value) {
        if (value == null) {
            throw new KilnException(method + ": " + role + " is null");
        }
    }
}
