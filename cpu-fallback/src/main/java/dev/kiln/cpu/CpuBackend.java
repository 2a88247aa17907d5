package dev.kiln.cpu;

import dev.kiln.HeapExhaustedException;
import dev.kiln.KilnException;
import dev.kiln.backend.Activation;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendClosedException;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.BufferChecks;
import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import dev.kiln.backend.DeviceMemory;
import dev.kiln.backend.Distribution;
import dev.kiln.backend.HistogramScale;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.SequenceStep;
import dev.kiln.backend.TransferStats;
import dev.kiln.backend.UnaryOp;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import dev.kiln.backend.Window2d;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
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
    private final ReentrantLock lock = new ReentrantLock(true);
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong liveBytes = new AtomicLong();
    private final FloatGemm floatGemm = new FloatGemm();
    private final DoubleGemm doubleGemm = new DoubleGemm();
    private final HostArrayPool arrays = new HostArrayPool();
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong uploadedBytes = new AtomicLong();
    private final AtomicLong downloads = new AtomicLong();
    private final AtomicLong downloadedBytes = new AtomicLong();
    private volatile boolean closed;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeviceInfo device() {
        return device;
    }

    @Override
    public ReentrantLock lock() {
        return lock;
    }

    @Override
    public boolean supports(DType dtype) {
        return dtype != null;
    }

    // ---- memory ----

    @Override
    public Buffer allocate(DType dtype, long length) {
        open("allocate");
        BufferChecks.allocate(dtype, length);
        if (length > Integer.MAX_VALUE - 8) {
            throw new KilnException("allocate: length " + length + " is more than " + (Integer.MAX_VALUE - 8)
                    + " elements, the largest Java array");
        }
        CpuBuffer buffer;
        try {
            buffer = newBuffer(dtype, (int) length);
        } catch (OutOfMemoryError e) {
            throw new HeapExhaustedException("allocate: " + length + " " + dtype + " elements",
                    length * dtype.bytes(), e);
        }
        live.incrementAndGet();
        liveBytes.addAndGet(length * dtype.bytes());
        return buffer;
    }

    /** A buffer from the pool's arrays or new ones; when the heap is full, the pooled arrays go first. */
    private CpuBuffer newBuffer(DType dtype, int length) {
        try {
            return new CpuBuffer(this, dtype, length, arrays);
        } catch (OutOfMemoryError e) {
            arrays.clear();
            return new CpuBuffer(this, dtype, length, arrays);
        }
    }

    @Override
    public void upload(float[] source, Buffer target) {
        BufferChecks.upload(this, source, source == null ? 0 : source.length, DType.F32, target);
        CpuBuffer t = (CpuBuffer) target;
        System.arraycopy(source, 0, t.floats(), 0, source.length);
        uploads.incrementAndGet();
        uploadedBytes.addAndGet((long) source.length * Float.BYTES);
    }

    @Override
    public void upload(double[] source, Buffer target) {
        BufferChecks.upload(this, source, source == null ? 0 : source.length, DType.F64, target);
        CpuBuffer t = (CpuBuffer) target;
        System.arraycopy(source, 0, t.doubles(), 0, source.length);
        uploads.incrementAndGet();
        uploadedBytes.addAndGet((long) source.length * Double.BYTES);
    }

    @Override
    public void upload(int[] source, Buffer target) {
        BufferChecks.upload(this, source, source == null ? 0 : source.length, DType.I32, target);
        CpuBuffer t = (CpuBuffer) target;
        System.arraycopy(source, 0, t.ints(), 0, source.length);
        uploads.incrementAndGet();
        uploadedBytes.addAndGet((long) source.length * Integer.BYTES);
    }

    @Override
    public void download(Buffer source, float[] target) {
        BufferChecks.download(this, source, target, target == null ? 0 : target.length, DType.F32);
        CpuBuffer s = (CpuBuffer) source;
        System.arraycopy(s.floats(), 0, target, 0, target.length);
        downloads.incrementAndGet();
        downloadedBytes.addAndGet((long) target.length * Float.BYTES);
    }

    @Override
    public void download(Buffer source, double[] target) {
        BufferChecks.download(this, source, target, target == null ? 0 : target.length, DType.F64);
        CpuBuffer s = (CpuBuffer) source;
        System.arraycopy(s.doubles(), 0, target, 0, target.length);
        downloads.incrementAndGet();
        downloadedBytes.addAndGet((long) target.length * Double.BYTES);
    }

    @Override
    public void download(Buffer source, int[] target) {
        BufferChecks.download(this, source, target, target == null ? 0 : target.length, DType.I32);
        CpuBuffer s = (CpuBuffer) source;
        System.arraycopy(s.ints(), 0, target, 0, target.length);
        downloads.incrementAndGet();
        downloadedBytes.addAndGet((long) target.length * Integer.BYTES);
    }

    @Override
    public void copy(Buffer source, long sourceOffset, Buffer target, long targetOffset, long length) {
        BufferChecks.copy(this, source, sourceOffset, target, targetOffset, length);
        CpuBuffer s = (CpuBuffer) source;
        CpuBuffer t = (CpuBuffer) target;
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
        BufferChecks.copyBlocks(this, blocks, blockLength, source, sourceOffset, sourceStride, target, targetOffset,
                targetStride);
        if (blocks == 0 || blockLength == 0) {
            return;
        }
        CpuBuffer s = (CpuBuffer) source;
        CpuBuffer t = (CpuBuffer) target;
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

    // F32 stores (float) value.
    @Override
    public void fill(Buffer target, double value) {
        BufferChecks.fill(this, target);
        CpuBuffer t = (CpuBuffer) target;
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
        BufferChecks.free(this, buffer);
        ((CpuBuffer) buffer).release(arrays);
        live.decrementAndGet();
        liveBytes.addAndGet(-buffer.length() * buffer.dtype().bytes());
    }

    @Override
    public DeviceMemory memory() {
        return new DeviceMemory(live.get(), liveBytes.get(), arrays.bytes());
    }

    @Override
    public TransferStats transfers() {
        return new TransferStats(uploads.get(), uploadedBytes.get(), downloads.get(), downloadedBytes.get());
    }

    @Override
    public void synchronize() {
        // Every call has finished when it returns.
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            live.set(0);
            liveBytes.set(0);
            arrays.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #close()} has been called: every buffer of a closed backend counts as freed. */
    @Override
    public boolean isClosed() {
        return closed;
    }

    // ---- linear algebra ----

    @Override
    public void gemm(boolean transposeA, boolean transposeB, int m, int n, int k,
                     double alpha, Buffer a, Buffer b, double beta, Buffer c) {
        BufferChecks.gemm(this, transposeA, transposeB, m, n, k, a, b, c);
        CpuBuffer ab = (CpuBuffer) a;
        CpuBuffer bb = (CpuBuffer) b;
        CpuBuffer cb = (CpuBuffer) c;
        if (cb.dtype() == DType.F32) {
            floatGemm.gemm(transposeA, transposeB, m, n, k, (float) alpha, ab.floats(), bb.floats(), (float) beta, cb.floats());
        } else {
            doubleGemm.gemm(transposeA, transposeB, m, n, k, alpha, ab.doubles(), bb.doubles(), beta, cb.doubles());
        }
    }

    @Override
    public void gemmBiasActivation(Activation activation, double alpha, boolean transposeA, boolean transposeB, int m,
                                   int n, int k, Buffer a, Buffer b, Buffer bias, Buffer out) {
        BufferChecks.gemmBiasActivation(this, activation, alpha, transposeA, transposeB, m, n, k, a, b, bias, out);
        gemm(transposeA, transposeB, m, n, k, 1, a, b, 0, out);
        DenseEpilogue.forward(activation, alpha, m, n, (CpuBuffer) bias, (CpuBuffer) out);
    }

    @Override
    public void biasActivationBackward(Activation activation, double alpha, int rows, int cols, Buffer y,
                                       Buffer gradOut, Buffer gradIn, Buffer gradBias) {
        BufferChecks.biasActivationBackward(this, activation, alpha, rows, cols, y, gradOut, gradIn, gradBias);
        DenseEpilogue.backward(activation, alpha, rows, cols, (CpuBuffer) y, (CpuBuffer) gradOut, (CpuBuffer) gradIn,
                (CpuBuffer) gradBias);
    }

    /** EJML's blocked transpose. */
    @Override
    public void transpose(int rows, int cols, Buffer x, Buffer out) {
        BufferChecks.transpose(this, rows, cols, x, out);
        CpuBuffer xb = (CpuBuffer) x;
        CpuBuffer ob = (CpuBuffer) out;
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
        BufferChecks.gemmBatched(this, transposeA, transposeB, batch, m, n, k, a, strideA, b, strideB, c, strideC);
        CpuBuffer ab = (CpuBuffer) a;
        CpuBuffer bb = (CpuBuffer) b;
        CpuBuffer cb = (CpuBuffer) c;
        long mk = (long) m * k;
        long kn = (long) k * n;
        long mn = (long) m * n;
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

    @Override
    public void permute(int[] dims, int[] axes, Buffer x, Buffer out) {
        BufferChecks.permute(this, dims, axes, x, out);
        CpuBuffer xb = (CpuBuffer) x;
        CpuBuffer ob = (CpuBuffer) out;
        int rank = dims.length;
        long size = xb.size();
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
        BufferChecks.gather(this, rows, cols, count, table, indices, out);
        CpuBuffer tb = (CpuBuffer) table;
        CpuBuffer ib = (CpuBuffer) indices;
        CpuBuffer ob = (CpuBuffer) out;
        int[] rowOf = rowIndices("gather", ib, count, rows);
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
        BufferChecks.scatterAdd(this, rows, cols, count, indices, values, out);
        CpuBuffer ib = (CpuBuffer) indices;
        CpuBuffer vb = (CpuBuffer) values;
        CpuBuffer ob = (CpuBuffer) out;
        int[] rowOf = rowIndices("scatterAdd", ib, count, rows);
        // Split by columns, so every element still sums its terms in increasing i.
        WorkPool.forRange(cols, Math.max(1, ELEMENTWISE_GRAIN / Math.max(count, 1)), (first, last) -> {
            if (ob.dtype() == DType.F32) {
                FloatElementwise.scatterAddColumns(rowOf, cols, vb.floats(), ob.floats(), first, last);
            } else {
                DoubleElementwise.scatterAddColumns(rowOf, cols, vb.doubles(), ob.doubles(), first, last);
            }
        });
    }

    // ---- sliding windows ----

    @Override
    public void im2col(Window2d window, Buffer image, Buffer columns) {
        BufferChecks.im2col(this, window, image, columns);
        CpuBuffer ib = (CpuBuffer) image;
        CpuBuffer cb = (CpuBuffer) columns;
        if (ib.dtype() == DType.F32) {
            FloatWindows.im2col(window, ib.floats(), cb.floats());
        } else {
            DoubleWindows.im2col(window, ib.doubles(), cb.doubles());
        }
    }

    @Override
    public void col2im(Window2d window, Buffer columns, Buffer image) {
        BufferChecks.col2im(this, window, columns, image);
        CpuBuffer cb = (CpuBuffer) columns;
        CpuBuffer ib = (CpuBuffer) image;
        if (ib.dtype() == DType.F32) {
            FloatWindows.col2im(window, cb.floats(), ib.floats());
        } else {
            DoubleWindows.col2im(window, cb.doubles(), ib.doubles());
        }
    }

    @Override
    public void maxPool(Window2d window, Buffer image, Buffer out, Buffer argmax) {
        BufferChecks.maxPool(this, window, image, out, argmax);
        CpuBuffer ib = (CpuBuffer) image;
        CpuBuffer ob = (CpuBuffer) out;
        int[] taps = ((CpuBuffer) argmax).ints();
        if (ib.dtype() == DType.F32) {
            FloatWindows.maxPool(window, ib.floats(), ob.floats(), taps);
        } else {
            DoubleWindows.maxPool(window, ib.doubles(), ob.doubles(), taps);
        }
    }

    @Override
    public void maxPoolBackward(Window2d window, Buffer gradOut, Buffer argmax, Buffer gradImage) {
        BufferChecks.maxPoolBackward(this, window, gradOut, argmax, gradImage);
        CpuBuffer gb = (CpuBuffer) gradOut;
        CpuBuffer ib = (CpuBuffer) gradImage;
        int[] taps = ((CpuBuffer) argmax).ints();
        if (ib.dtype() == DType.F32) {
            FloatWindows.maxPoolBackward(window, gb.floats(), taps, ib.floats());
        } else {
            DoubleWindows.maxPoolBackward(window, gb.doubles(), taps, ib.doubles());
        }
    }

    @Override
    public void avgPool(Window2d window, Buffer image, Buffer out) {
        BufferChecks.avgPool(this, window, image, out);
        CpuBuffer ib = (CpuBuffer) image;
        CpuBuffer ob = (CpuBuffer) out;
        if (ib.dtype() == DType.F32) {
            FloatWindows.avgPool(window, ib.floats(), ob.floats());
        } else {
            DoubleWindows.avgPool(window, ib.doubles(), ob.doubles());
        }
    }

    @Override
    public void avgPoolBackward(Window2d window, Buffer gradOut, Buffer gradImage) {
        BufferChecks.avgPoolBackward(this, window, gradOut, gradImage);
        CpuBuffer gb = (CpuBuffer) gradOut;
        CpuBuffer ib = (CpuBuffer) gradImage;
        if (ib.dtype() == DType.F32) {
            FloatWindows.avgPoolBackward(window, gb.floats(), ib.floats());
        } else {
            DoubleWindows.avgPoolBackward(window, gb.doubles(), ib.doubles());
        }
    }

    @Override
    public void rnnCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask, Buffer states, Buffer h) {
        BufferChecks.rnnCell(this, at, inputGates, recurrent, mask, states, h);
        if (states.dtype() == DType.F32) {
            FloatCells.rnn(at, floats(inputGates), floats(recurrent), floats(mask), floats(states), floats(h));
        } else {
            DoubleCells.rnn(at, doubles(inputGates), doubles(recurrent), doubles(mask), doubles(states), doubles(h));
        }
    }

    @Override
    public void rnnCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gradStates, Buffer gradH,
                                Buffer gradGates) {
        BufferChecks.rnnCellBackward(this, at, mask, states, gradStates, gradH, gradGates);
        if (states.dtype() == DType.F32) {
            FloatCells.rnnBackward(at, floats(mask), floats(states), floats(gradStates), floats(gradH),
                    floats(gradGates));
        } else {
            DoubleCells.rnnBackward(at, doubles(mask), doubles(states), doubles(gradStates), doubles(gradH),
                    doubles(gradGates));
        }
    }

    @Override
    public void lstmCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask, Buffer states, Buffer h,
                         Buffer gates) {
        BufferChecks.lstmCell(this, at, inputGates, recurrent, mask, states, h, gates);
        if (states.dtype() == DType.F32) {
            FloatCells.lstm(at, floats(inputGates), floats(recurrent), floats(mask), floats(states), floats(h),
                    floats(gates));
        } else {
            DoubleCells.lstm(at, doubles(inputGates), doubles(recurrent), doubles(mask), doubles(states), doubles(h),
                    doubles(gates));
        }
    }

    @Override
    public void lstmCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gates, Buffer gradStates,
                                 Buffer gradH, Buffer gradC, Buffer gradGates) {
        BufferChecks.lstmCellBackward(this, at, mask, states, gates, gradStates, gradH, gradC, gradGates);
        if (states.dtype() == DType.F32) {
            FloatCells.lstmBackward(at, floats(mask), floats(states), floats(gates), floats(gradStates), floats(gradH),
                    floats(gradC), floats(gradGates));
        } else {
            DoubleCells.lstmBackward(at, doubles(mask), doubles(states), doubles(gates), doubles(gradStates),
                    doubles(gradH), doubles(gradC), doubles(gradGates));
        }
    }

    @Override
    public void gruCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer recurrentBias, Buffer mask,
                        Buffer states, Buffer h, Buffer gates) {
        BufferChecks.gruCell(this, at, inputGates, recurrent, recurrentBias, mask, states, h, gates);
        if (states.dtype() == DType.F32) {
            FloatCells.gru(at, floats(inputGates), floats(recurrent), floats(recurrentBias), floats(mask),
                    floats(states), floats(h), floats(gates));
        } else {
            DoubleCells.gru(at, doubles(inputGates), doubles(recurrent), doubles(recurrentBias), doubles(mask),
                    doubles(states), doubles(h), doubles(gates));
        }
    }

    @Override
    public void gruCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gates, Buffer gradStates,
                                Buffer gradH, Buffer gradInputGates, Buffer gradRecurrent) {
        BufferChecks.gruCellBackward(this, at, mask, states, gates, gradStates, gradH, gradInputGates, gradRecurrent);
        if (states.dtype() == DType.F32) {
            FloatCells.gruBackward(at, floats(mask), floats(states), floats(gates), floats(gradStates), floats(gradH),
                    floats(gradInputGates), floats(gradRecurrent));
        } else {
            DoubleCells.gruBackward(at, doubles(mask), doubles(states), doubles(gates), doubles(gradStates),
                    doubles(gradH), doubles(gradInputGates), doubles(gradRecurrent));
        }
    }

    @Override
    public void gruResetCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer states, Buffer resetHidden,
                             Buffer gates) {
        BufferChecks.gruResetCell(this, at, inputGates, recurrent, states, resetHidden, gates);
        if (states.dtype() == DType.F32) {
            FloatCells.gruReset(at, floats(inputGates), floats(recurrent), floats(states), floats(resetHidden),
                    floats(gates));
        } else {
            DoubleCells.gruReset(at, doubles(inputGates), doubles(recurrent), doubles(states), doubles(resetHidden),
                    doubles(gates));
        }
    }

    @Override
    public void gruCandidateCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask, Buffer states,
                                 Buffer h, Buffer gates) {
        BufferChecks.gruCandidateCell(this, at, inputGates, recurrent, mask, states, h, gates);
        if (states.dtype() == DType.F32) {
            FloatCells.gruCandidate(at, floats(inputGates), floats(recurrent), floats(mask), floats(states), floats(h),
                    floats(gates));
        } else {
            DoubleCells.gruCandidate(at, doubles(inputGates), doubles(recurrent), doubles(mask), doubles(states),
                    doubles(h), doubles(gates));
        }
    }

    @Override
    public void gruCandidateCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gates, Buffer gradStates,
                                         Buffer gradH, Buffer gradCandidate, Buffer gradResetGates) {
        BufferChecks.gruCandidateCellBackward(this, at, mask, states, gates, gradStates, gradH, gradCandidate,
                gradResetGates);
        if (states.dtype() == DType.F32) {
            FloatCells.gruCandidateBackward(at, floats(mask), floats(states), floats(gates), floats(gradStates),
                    floats(gradH), floats(gradCandidate), floats(gradResetGates));
        } else {
            DoubleCells.gruCandidateBackward(at, doubles(mask), doubles(states), doubles(gates), doubles(gradStates),
                    doubles(gradH), doubles(gradCandidate), doubles(gradResetGates));
        }
    }

    @Override
    public void gruResetCellBackward(SequenceStep at, Buffer states, Buffer gates, Buffer gradResetHidden,
                                     Buffer gradH, Buffer gradResetGates) {
        BufferChecks.gruResetCellBackward(this, at, states, gates, gradResetHidden, gradH, gradResetGates);
        if (states.dtype() == DType.F32) {
            FloatCells.gruResetBackward(at, floats(states), floats(gates), floats(gradResetHidden), floats(gradH),
                    floats(gradResetGates));
        } else {
            DoubleCells.gruResetBackward(at, doubles(states), doubles(gates), doubles(gradResetHidden), doubles(gradH),
                    doubles(gradResetGates));
        }
    }

    /** The F32 values of a buffer, or null for none (an optional operand). */
    private static float[] floats(Buffer buffer) {
        return buffer == null ? null : ((CpuBuffer) buffer).floats();
    }

    /** The F64 values of a buffer, or null for none (an optional operand). */
    private static double[] doubles(Buffer buffer) {
        return buffer == null ? null : ((CpuBuffer) buffer).doubles();
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
        BufferChecks.unary(this, op, x, out);
        CpuBuffer xb = (CpuBuffer) x;
        CpuBuffer ob = (CpuBuffer) out;
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
        BufferChecks.unaryBackward(this, op, x, y, gradOut, gradIn);
        CpuBuffer xb = (CpuBuffer) x;
        CpuBuffer yb = (CpuBuffer) y;
        CpuBuffer gb = (CpuBuffer) gradOut;
        CpuBuffer gxb = (CpuBuffer) gradIn;
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
        BufferChecks.binary(this, op, shape, a, b, out);
        CpuBuffer ab = (CpuBuffer) a;
        CpuBuffer bb = (CpuBuffer) b;
        CpuBuffer ob = (CpuBuffer) out;
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
        BufferChecks.reduce(this, op, outer, middle, inner, x, out);
        CpuBuffer xb = (CpuBuffer) x;
        CpuBuffer ob = (CpuBuffer) out;
        if (xb.dtype() == DType.F32) {
            FloatRows.reduce(op, outer, middle, inner, xb.floats(), ob.floats());
        } else {
            DoubleRows.reduce(op, outer, middle, inner, xb.doubles(), ob.doubles());
        }
    }

    @Override
    public void histogram(Buffer x, double low, double high, int bins, Buffer counts) {
        BufferChecks.histogram(this, x, low, high, bins, counts);
        CpuBuffer xb = (CpuBuffer) x;
        int length = (int) xb.length();
        int[] c = ((CpuBuffer) counts).ints();
        double scale = HistogramScale.of(xb.dtype(), low, high, bins);
        if (xb.dtype() == DType.F32) {
            Histograms.count(xb.floats(), length, (float) low, (float) high, (float) scale, bins, c);
        } else {
            Histograms.count(xb.doubles(), length, low, high, scale, bins, c);
        }
    }

    // Max-subtracted: exp(x - max) / sum, log-softmax (x - max) - ln(sum); F32 computes in double, rounds once.
    @Override
    public void softmax(boolean log, int rows, int cols, Buffer x, Buffer out) {
        BufferChecks.softmax(this, log, rows, cols, x, out);
        CpuBuffer xb = (CpuBuffer) x;
        CpuBuffer ob = (CpuBuffer) out;
        if (xb.dtype() == DType.F32) {
            FloatRows.softmax(log, rows, cols, xb.floats(), ob.floats());
        } else {
            DoubleRows.softmax(log, rows, cols, xb.doubles(), ob.doubles());
        }
    }

    @Override
    public void softmaxBackward(boolean log, int rows, int cols, Buffer y, Buffer gradOut, Buffer gradIn) {
        BufferChecks.softmaxBackward(this, log, rows, cols, y, gradOut, gradIn);
        CpuBuffer yb = (CpuBuffer) y;
        CpuBuffer gb = (CpuBuffer) gradOut;
        CpuBuffer gxb = (CpuBuffer) gradIn;
        if (yb.dtype() == DType.F32) {
            FloatRows.softmaxBackward(log, rows, cols, yb.floats(), gb.floats(), gxb.floats());
        } else {
            DoubleRows.softmaxBackward(log, rows, cols, yb.doubles(), gb.doubles(), gxb.doubles());
        }
    }

    // Terms with a zero target are skipped (no 0 * -infinity); the loss sums in double.
    @Override
    public void softmaxCrossEntropy(int rows, int cols, Buffer logits, Buffer targets, Buffer probabilities, Buffer losses) {
        BufferChecks.softmaxCrossEntropy(this, rows, cols, logits, targets, probabilities, losses);
        CpuBuffer lb = (CpuBuffer) logits;
        CpuBuffer tb = (CpuBuffer) targets;
        CpuBuffer pb = (CpuBuffer) probabilities;
        CpuBuffer sb = (CpuBuffer) losses;
        if (lb.dtype() == DType.F32) {
            FloatRows.softmaxCrossEntropy(rows, cols, lb.floats(), tb.floats(), pb.floats(), sb.floats());
        } else {
            DoubleRows.softmaxCrossEntropy(rows, cols, lb.doubles(), tb.doubles(), pb.doubles(), sb.doubles());
        }
    }

    // The per-row losses, then their sum in row order, in double.
    @Override
    public void softmaxCrossEntropyTotal(int rows, int cols, double scale, Buffer logits, Buffer targets,
                                         Buffer probabilities, Buffer total) {
        BufferChecks.softmaxCrossEntropyTotal(this, rows, cols, scale, logits, targets, probabilities, total);
        CpuBuffer lb = (CpuBuffer) logits;
        CpuBuffer tb = (CpuBuffer) targets;
        CpuBuffer pb = (CpuBuffer) probabilities;
        double sum = 0;
        if (lb.dtype() == DType.F32) {
            float[] losses = new float[rows];
            FloatRows.softmaxCrossEntropy(rows, cols, lb.floats(), tb.floats(), pb.floats(), losses);
            for (float loss : losses) {
                sum += loss;
            }
            ((CpuBuffer) total).floats()[0] = (float) (scale * sum);
        } else {
            double[] losses = new double[rows];
            DoubleRows.softmaxCrossEntropy(rows, cols, lb.doubles(), tb.doubles(), pb.doubles(), losses);
            for (double loss : losses) {
                sum += loss;
            }
            ((CpuBuffer) total).doubles()[0] = scale * sum;
        }
    }

    @Override
    public void softmaxCrossEntropyBackward(int rows, int cols, double scale, Buffer probabilities, Buffer targets,
                                            Buffer gradLosses, Buffer gradLogits) {
        BufferChecks.softmaxCrossEntropyBackward(this, rows, cols, scale, probabilities, targets, gradLosses,
                gradLogits);
        CpuBuffer pb = (CpuBuffer) probabilities;
        CpuBuffer tb = (CpuBuffer) targets;
        CpuBuffer gb = (CpuBuffer) gradLosses;
        CpuBuffer gxb = (CpuBuffer) gradLogits;
        int gradStride = gb.length() == 1 ? 0 : 1;
        if (pb.dtype() == DType.F32) {
            FloatRows.softmaxCrossEntropyBackward(rows, cols, (float) scale, pb.floats(), tb.floats(), gb.floats(),
                    gradStride, gxb.floats());
        } else {
            DoubleRows.softmaxCrossEntropyBackward(rows, cols, scale, pb.doubles(), tb.doubles(), gb.doubles(),
                    gradStride, gxb.doubles());
        }
    }

    @Override
    public void addArgmaxMatches(int rows, int cols, Buffer predictions, Buffer labels, boolean classIndices,
                                 Buffer total) {
        BufferChecks.addArgmaxMatches(this, rows, cols, predictions, labels, classIndices, total);
        CpuBuffer pb = (CpuBuffer) predictions;
        CpuBuffer lb = (CpuBuffer) labels;
        int[] indices = classIndices ? lb.ints() : null;
        if (pb.dtype() == DType.F32) {
            FloatRows.addArgmaxMatches(rows, cols, pb.floats(), classIndices ? null : lb.floats(), indices,
                    ((CpuBuffer) total).floats());
        } else {
            DoubleRows.addArgmaxMatches(rows, cols, pb.doubles(), classIndices ? null : lb.doubles(), indices,
                    ((CpuBuffer) total).doubles());
        }
    }

    // An index outside [0, classes) gives a row of zeros.
    @Override
    public void oneHot(int rows, int classes, Buffer indices, Buffer out) {
        BufferChecks.oneHot(this, rows, classes, indices, out);
        CpuBuffer ib = (CpuBuffer) indices;
        CpuBuffer ob = (CpuBuffer) out;
        if (ob.dtype() == DType.F32) {
            FloatRows.oneHot(rows, classes, ib.ints(), ob.floats());
        } else {
            DoubleRows.oneHot(rows, classes, ib.ints(), ob.doubles());
        }
    }

    // ---- training ----

    @Override
    public void updateGroup(UpdateRule rule, UpdateParameters parameters, Buffer[] params, Buffer[] grads,
                            Buffer[][] states) {
        BufferChecks.updateGroup(this, rule, parameters, params, grads, states);
        for (int i = 0; i < params.length; i++) {
            update(rule, parameters, params[i], grads[i], states[i]);
        }
    }

    // Float arithmetic for F32, term by term as UpdateRule writes them, g = grad + weightDecay * p even when the
    // decay is 0; Adam's bias corrections 1 - beta^t come from Math.pow in double, then are rounded.
    @Override
    public void update(UpdateRule rule, UpdateParameters parameters, Buffer param, Buffer grad, Buffer... states) {
        BufferChecks.update(this, rule, parameters, param, grad, states);
        CpuBuffer pb = (CpuBuffer) param;
        CpuBuffer gb = (CpuBuffer) grad;
        CpuBuffer[] sb = new CpuBuffer[states.length];
        for (int s = 0; s < states.length; s++) {
            sb[s] = (CpuBuffer) states[s];
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
        BufferChecks.random(this, distribution, out);
        CpuBuffer ob = (CpuBuffer) out;
        if (ob.dtype() == DType.F32) {
            FloatRandom.fill(distribution, seed, offset, a, b, ob.floats(), ob.size());
        } else {
            DoubleRandom.fill(distribution, seed, offset, a, b, ob.doubles(), ob.size());
        }
    }

    // ---- checks ----

    private void open(String method) {
        if (closed) {
            throw new BackendClosedException(this, method);
        }
    }
}
