package dev.kiln.opencl;

import dev.kiln.KilnException;
import dev.kiln.KilnSettings;
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
import dev.kiln.backend.PendingDownload;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.SequenceStep;
import dev.kiln.backend.TransferStats;
import dev.kiln.backend.UnaryOp;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import dev.kiln.backend.Window2d;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kiln backend on one OpenCL device: every primitive is a kernel enqueued on the device's in-order
 * queue, and only {@link #download} and {@link #synchronize} wait for it. Kernel arguments are set on shared kernel
 * objects, so every call runs under {@link #lock()} (see {@link Backend}); creating and closing a backend hold the
 * {@link PlatformLock} as well.
 */
public final class OpenClBackend implements Backend {
    private final ClContext context;
    private final ProgramCache programs;
    private final BufferPool pool;
    private final OutOfMemoryRetry retry;
    private final ClTransfers transfers;
    private final ScalarArgument scalarArgument = new ScalarArgument();
    private final LongAdder kernelLaunches = new LongAdder();
    private final LongAdder kernelArgumentsSet = new LongAdder();
    private final OpenClGemm gemm = new OpenClGemm(this);
    private final OpenClDense dense = new OpenClDense(this, gemm);
    private final OpenClUpdateGroup updateGroup = new OpenClUpdateGroup(this);
    private final OpenClWindows windows = new OpenClWindows(this);
    private final OpenClCells cells = new OpenClCells(this);
    private final OpenClElementwise elementwise = new OpenClElementwise(this);
    private final OpenClReduce reductions = new OpenClReduce(this);
    private final OpenClHistogram histograms = new OpenClHistogram(this);
    private static final Logger LOG = LoggerFactory.getLogger(OpenClBackend.class);
    /** Whether any backend of this JVM launched a kernel yet: the first launch logs the startup time. */
    private static final AtomicBoolean LAUNCHED = new AtomicBoolean();
    private static final Map<UpdateRule, String> UPDATE_KERNELS = KernelNames.of("update_", UpdateRule.class, "");
    private static final Map<Distribution, String> RANDOM_KERNELS = KernelNames.of("random_", Distribution.class, "");
    private final OpenClSoftmax rowwise = new OpenClSoftmax(this);
    private final Map<DType, GemmTuning> gemmTunings = new EnumMap<>(DType.class);
    private final Map<ProgramVariant, Map<KernelFamily, ProgramSource>> sources = new HashMap<>();
    private final Map<ProgramVariant, Map<String, cl_kernel>> kernels = new HashMap<>();
    private final Map<DType, Integer> rowGroups = new EnumMap<>(DType.class);
    private volatile long maxGlobal;
    private volatile boolean gridStride;
    private volatile boolean wideIndices;
    private volatile long workGroupCap;
    private final ReentrantLock lock = new ReentrantLock(true);
    // ClBuffer keeps identity equality, so a concurrent set is an identity set; readable from any thread.
    private final Set<ClBuffer> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final GemmTuningStore tunings;

    /** A backend on the device the settings choose ({@code kiln.opencl.device}), with the settings' binary cache. */
    public static OpenClBackend create() {
        return onDevice(KilnSettings.openClDevice());
    }

    /**
     * A backend on the device named by {@code choice}: an index or part of a name; null picks the default. Under
     * {@code kiln.opencl.emulate=gpu} the device stands in for a GPU ({@link GpuEmulation}).
     */
    public static OpenClBackend onDevice(String choice) {
        return PlatformLock.locked(() -> {
            ClDevice device = ClDevices.choose(ClDevices.discover(), choice);
            ClDevice seen = GpuEmulation.requested() ? GpuEmulation.of(device) : device;
            return new OpenClBackend(seen, binaryCache(KilnSettings.openClCache()),
                    StagingBuffer.wantedBytes(seen), GemmTuningStore.in(KilnSettings.openClCache()));
        });
    }

    /** A backend on {@code device}, staging transfers as the settings say ({@link StagingBuffer#wantedBytes}). */
    OpenClBackend(ClDevice device, BinaryCache binaryCache) {
        this(device, binaryCache, StagingBuffer.wantedBytes(device), null);
    }

    /** A backend on {@code device} whose transfers pass through {@code stagingBytes} of pinned memory (0: none). */
    OpenClBackend(ClDevice device, BinaryCache binaryCache, int stagingBytes) {
        this(device, binaryCache, stagingBytes, null);
    }

    /** A backend that takes its gemm tunings from {@code tunings} where it holds one (null: the built-in table). */
    OpenClBackend(ClDevice device, BinaryCache binaryCache, int stagingBytes, GemmTuningStore tunings) {
        this.context = PlatformLock.locked(() -> new ClContext(device));
        this.programs = new ProgramCache(context, binaryCache);
        this.pool = new BufferPool(context);
        this.retry = new OutOfMemoryRetry(context, pool);
        this.transfers = new ClTransfers(context, retry, stagingBytes);
        this.tunings = tunings;
        capGlobalSize(0);
    }

    /** The binary cache in {@code directory}, or null when the setting is "off". */
    static BinaryCache binaryCache(String directory) {
        return directory == null || directory.equalsIgnoreCase("off") ? null : new BinaryCache(Path.of(directory));
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public DeviceInfo device() {
        return context.device().info();
    }

    @Override
    public ReentrantLock lock() {
        return lock;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean supports(DType dtype) {
        return dtype == DType.F32 || dtype == DType.I32 || (dtype == DType.F64 && device().fp64());
    }

    // ---- memory ----

    @Override
    public Buffer allocate(DType dtype, long length) {
        checkOpen();
        BufferChecks.allocate(dtype, length);
        requireSupported(dtype);
        return newBuffer(dtype, length, () -> "allocate " + dtype + "[" + length + "]");
    }

    @Override
    public void upload(float[] source, Buffer target) {
        BufferChecks.upload(this, source, source == null ? 0 : source.length, DType.F32, target);
        checkOpen();
        transfers.upload((ClBuffer) target, source.length, Float.BYTES,
                (host, from, count) -> host.asFloatBuffer().put(source, from, count));
    }

    @Override
    public void upload(double[] source, Buffer target) {
        BufferChecks.upload(this, source, source == null ? 0 : source.length, DType.F64, target);
        checkOpen();
        transfers.upload((ClBuffer) target, source.length, Double.BYTES,
                (host, from, count) -> host.asDoubleBuffer().put(source, from, count));
    }

    @Override
    public void upload(int[] source, Buffer target) {
        BufferChecks.upload(this, source, source == null ? 0 : source.length, DType.I32, target);
        checkOpen();
        transfers.upload((ClBuffer) target, source.length, Integer.BYTES,
                (host, from, count) -> host.asIntBuffer().put(source, from, count));
    }

    @Override
    public void download(Buffer source, float[] target) {
        BufferChecks.download(this, source, target, target == null ? 0 : target.length, DType.F32);
        checkOpen();
        transfers.download((ClBuffer) source, target.length, Float.BYTES, Pointer.to(target),
                (host, from, count) -> host.asFloatBuffer().get(target, from, count));
    }

    @Override
    public void download(Buffer source, double[] target) {
        BufferChecks.download(this, source, target, target == null ? 0 : target.length, DType.F64);
        checkOpen();
        transfers.download((ClBuffer) source, target.length, Double.BYTES, Pointer.to(target),
                (host, from, count) -> host.asDoubleBuffer().get(target, from, count));
    }

    @Override
    public void download(Buffer source, int[] target) {
        BufferChecks.download(this, source, target, target == null ? 0 : target.length, DType.I32);
        checkOpen();
        transfers.download((ClBuffer) source, target.length, Integer.BYTES, Pointer.to(target),
                (host, from, count) -> host.asIntBuffer().get(target, from, count));
    }

    @Override
    public PendingDownload downloadLater(Buffer source, int count) {
        BufferChecks.downloadLater(this, source, count);
        checkOpen();
        return transfers.downloadLater((ClBuffer) source, count, source.dtype().bytes(), lock);
    }

    /** Bytes of upload host copies still held because no command queued after them is known to have finished. */
    long pendingUploadBytes() {
        return transfers.pendingUploadBytes();
    }

    /** The host memory that unstaged uploads read from. */
    UploadMemory uploadMemory() {
        return transfers.uploadMemory();
    }

    /** Whether uploads and downloads pass through pinned staging memory. */
    boolean stagedTransfers() {
        return transfers.staged();
    }

    /** Commands enqueued on the queue so far: kernel launches, uploads, downloads, copies and fills. */
    long commands() {
        return retry.commands();
    }

    /** Device memory blocks created so far; an allocation served from the pool creates none. */
    long createdBlocks() {
        return pool.createdBlocks();
    }

    /** The enqueues that release the pool and retry when the device is out of memory. */
    OutOfMemoryRetry retry() {
        return retry;
    }

    @Override
    public void copy(Buffer source, long sourceOffset, Buffer target, long targetOffset, long length) {
        BufferChecks.copy(this, source, sourceOffset, target, targetOffset, length);
        ClBuffer s = (ClBuffer) source;
        ClBuffer t = (ClBuffer) target;
        if (length == 0) {
            return;
        }
        int bytes = s.dtype().bytes();
        enqueue(() -> CL.clEnqueueCopyBuffer(queue(), s.memory(), t.memory(), sourceOffset * bytes,
                targetOffset * bytes, length * bytes, 0, null, null),
                () -> s == t ? s.capacityBytes() : s.capacityBytes() + t.capacityBytes(),
                () -> "copy of " + length + " elements");
    }

    @Override
    public void copyBlocks(int blocks, int blockLength, Buffer source, long sourceOffset, long sourceStride,
                           Buffer target, long targetOffset, long targetStride) {
        BufferChecks.copyBlocks(this, blocks, blockLength, source, sourceOffset, sourceStride, target, targetOffset,
                targetStride);
        if (blocks == 0 || blockLength == 0) {
            return;
        }
        ClBuffer s = (ClBuffer) source;
        ClBuffer t = (ClBuffer) target;
        long n = (long) blocks * blockLength;
        // I32 blocks move through the int kernels of the F32 program: the bits are copied as they are.
        boolean ints = s.dtype() == DType.I32;
        DType program = ints ? DType.F32 : s.dtype();
        int lanes = blockLength % lanes(program) == 0 ? lanes(program) : 1;
        String kernel = (ints ? "copy_blocks_int" : "copy_blocks") + (lanes > 1 ? "_vector" : "");
        launch(program, KernelFamily.ELEMENTWISE, kernel, () -> blocks + " blocks of " + blockLength
                + ", source offset " + sourceOffset + " stride " + sourceStride + ", target offset " + targetOffset
                + " stride " + targetStride)
                .unsignedLong(n).integer(blockLength).unsignedLong(sourceOffset).unsignedLong(sourceStride)
                .unsignedLong(targetOffset).unsignedLong(targetStride).buffer(s).buffer(t).run(queue(), n / lanes);
    }

    @Override
    public void fill(Buffer target, double value) {
        BufferChecks.fill(this, target);
        ClBuffer t = (ClBuffer) target;
        if (t.length() == 0) {
            return;
        }
        Pointer pattern = switch (t.dtype()) {
            case F64 -> Pointer.to(new double[] {value});
            case F32 -> Pointer.to(new float[] {(float) value});
            case I32 -> Pointer.to(new int[] {(int) value});
        };
        enqueue(() -> CL.clEnqueueFillBuffer(queue(), t.memory(), pattern, t.dtype().bytes(), 0, t.bytes(), 0, null,
                null), t::capacityBytes, () -> "fill of " + t);
    }

    @Override
    public void free(Buffer buffer) {
        BufferChecks.free(this, buffer);
        ClBuffer b = (ClBuffer) buffer;
        b.markFreed();
        live.remove(b);
        pool.release(b.memory(), b.capacityBytes());
    }

    @Override
    public DeviceMemory memory() {
        return new DeviceMemory(live.size(), pool.liveBytes(), pool.pooledBytes());
    }

    @Override
    public TransferStats transfers() {
        return transfers.stats();
    }

    @Override
    public void synchronize() {
        checkOpen();
        context.finish();
        transfers.queueWaited();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            context.finish();
            transfers.close();
            for (ClBuffer buffer : live) {
                buffer.markFreed();
                CL.clReleaseMemObject(buffer.memory());
            }
            live.clear();
            pool.close();
            kernels.clear();
            PlatformLock.locked(() -> {
                programs.close();
                context.close();
                return null;
            });
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    // ---- linear algebra ----

    @Override
    public void gemm(boolean transposeA, boolean transposeB, int m, int n, int k,
                     double alpha, Buffer a, Buffer b, double beta, Buffer c) {
        BufferChecks.gemm(this, transposeA, transposeB, m, n, k, a, b, c);
        product(transposeA, transposeB, m, n, k, alpha, (ClBuffer) a, (ClBuffer) b, beta, (ClBuffer) c);
    }

    /** gemm on checked buffers, which may hold more than the product reads (gemmBatched passes its whole buffers). */
    private void product(boolean transposeA, boolean transposeB, int m, int n, int k,
                         double alpha, ClBuffer ab, ClBuffer bb, double beta, ClBuffer cb) {
        if ((long) m * n == 0) {
            return;
        }
        if (k == 0) {
            scale(cb, (long) m * n, beta);
            return;
        }
        gemm.run(gemmTuning(cb.dtype()), transposeA, transposeB, m, n, k, alpha, ab, bb, beta, cb,
                OpenClGemm.Epilogue.NONE);
    }

    @Override
    public void gemmBiasActivation(Activation activation, double alpha, boolean transposeA, boolean transposeB, int m,
                                   int n, int k, Buffer a, Buffer b, Buffer bias, Buffer out) {
        BufferChecks.gemmBiasActivation(this, activation, alpha, transposeA, transposeB, m, n, k, a, b, bias, out);
        dense.forward(activation, alpha, transposeA, transposeB, m, n, k, (ClBuffer) a, (ClBuffer) b, (ClBuffer) bias,
                (ClBuffer) out);
    }

    @Override
    public void biasActivationBackward(Activation activation, double alpha, int rows, int cols, Buffer y,
                                       Buffer gradOut, Buffer gradIn, Buffer gradBias) {
        BufferChecks.biasActivationBackward(this, activation, alpha, rows, cols, y, gradOut, gradIn, gradBias);
        dense.backward(activation, alpha, rows, cols, (ClBuffer) y, (ClBuffer) gradOut, (ClBuffer) gradIn,
                (ClBuffer) gradBias);
    }

    /** c[0, length) *= beta, with beta = 0 writing zeros whatever c held. */
    private void scale(ClBuffer c, long length, double beta) {
        if (beta == 0) {
            Pointer zero = c.dtype() == DType.F64 ? Pointer.to(new double[1]) : Pointer.to(new float[1]);
            enqueue(() -> CL.clEnqueueFillBuffer(queue(), c.memory(), zero, c.dtype().bytes(), 0,
                    length * c.dtype().bytes(), 0, null, null), c::capacityBytes, () -> "gemm with k = 0");
        } else {
            launch(c.dtype(), KernelFamily.ELEMENTWISE, "unary_affine",
                    () -> "gemm with k = 0, " + length + " elements")
                    .unsignedLong(length).real(beta).real(0).buffer(c).buffer(c).run(queue(), length);
        }
    }

    @Override
    public void transpose(int rows, int cols, Buffer x, Buffer out) {
        BufferChecks.transpose(this, rows, cols, x, out);
        ClBuffer xb = (ClBuffer) x;
        ClBuffer ob = (ClBuffer) out;
        launch(xb.dtype(), KernelFamily.ELEMENTWISE, "transpose", () -> "rows=" + rows + ", cols=" + cols)
                .integer(rows).integer(cols).buffer(xb).buffer(ob).run(queue(), (long) rows * cols);
    }

    @Override
    public void gemmBatched(boolean transposeA, boolean transposeB, int batch, int m, int n, int k, double alpha,
                            Buffer a, long strideA, Buffer b, long strideB, double beta, Buffer c, long strideC) {
        BufferChecks.gemmBatched(this, transposeA, transposeB, batch, m, n, k, a, strideA, b, strideB, c, strideC);
        ClBuffer ab = (ClBuffer) a;
        ClBuffer bb = (ClBuffer) b;
        ClBuffer cb = (ClBuffer) c;
        long mk = (long) m * k;
        long mn = (long) m * n;
        if (batch == 0 || mn == 0) {
            return;
        }
        // A shared, untransposed-a product over packed a and c is one product of [batch * m, k] by op(b).
        if (batch == 1 || (strideB == 0 && !transposeA && strideA == mk && strideC == mn)) {
            product(transposeA, transposeB, Math.multiplyExact(batch, m), n, k, alpha, ab, bb, beta, cb);
            return;
        }
        launch(cb.dtype(), KernelFamily.GEMM, "gemm_batched", () -> "batch=" + batch + ", m=" + m + ", n=" + n + ", k="
                + k + ", transposeA=" + transposeA + ", transposeB=" + transposeB + ", strides " + strideA + ", "
                + strideB + ", " + strideC)
                .integer(m).integer(n).integer(k).integer(transposeA ? 1 : 0).integer(transposeB ? 1 : 0)
                .real(alpha).buffer(ab).unsignedLong(strideA).buffer(bb).unsignedLong(strideB)
                .real(beta).buffer(cb).unsignedLong(strideC)
                .runFitted(queue(), new long[] {n, m, batch}, new long[] {8, 8, 1});
    }

    @Override
    public void permute(int[] dims, int[] axes, Buffer x, Buffer out) {
        BufferChecks.permute(this, dims, axes, x, out);
        ClBuffer xb = (ClBuffer) x;
        ClBuffer ob = (ClBuffer) out;
        int rank = dims.length;
        long size = xb.length();
        long[] strides = new long[rank];
        strides[rank - 1] = 1;
        for (int d = rank - 2; d >= 0; d--) {
            strides[d] = strides[d + 1] * dims[d + 1];
        }
        // Output axes right-aligned in six slots; the unused leading ones have dim 1 and stride 0.
        int[] outDims = {1, 1, 1, 1, 1, 1};
        long[] from = new long[MAX_PERMUTE_RANK];
        for (int d = 0; d < rank; d++) {
            outDims[MAX_PERMUTE_RANK - rank + d] = dims[axes[d]];
            from[MAX_PERMUTE_RANK - rank + d] = strides[axes[d]];
        }
        long n = size;
        KernelLaunch launch = launch(xb.dtype(), KernelFamily.ELEMENTWISE, "permute",
                () -> "dims " + Arrays.toString(dims) + ", axes " + Arrays.toString(axes)).unsignedLong(n);
        for (int dim : outDims) {
            launch.integer(dim);
        }
        for (long stride : from) {
            launch.unsignedLong(stride);
        }
        launch.buffer(xb).buffer(ob).run(queue(), n);
    }

    @Override
    public void gather(int rows, int cols, int count, Buffer table, Buffer indices, Buffer out) {
        BufferChecks.gather(this, rows, cols, count, table, indices, out);
        ClBuffer tb = (ClBuffer) table;
        ClBuffer ib = (ClBuffer) indices;
        ClBuffer ob = (ClBuffer) out;
        long n = (long) count * cols;
        int lanes = cols % lanes(tb.dtype()) == 0 ? lanes(tb.dtype()) : 1;
        launch(tb.dtype(), KernelFamily.ELEMENTWISE, lanes > 1 ? "gather_vector" : "gather",
                () -> count + " rows of " + cols + " from a table of " + rows)
                .unsignedLong(n).integer(rows).integer(cols).buffer(tb).buffer(ib).buffer(ob).run(queue(), n / lanes);
    }

    @Override
    public void scatterAdd(int rows, int cols, int count, Buffer indices, Buffer values, Buffer out) {
        BufferChecks.scatterAdd(this, rows, cols, count, indices, values, out);
        ClBuffer ib = (ClBuffer) indices;
        ClBuffer vb = (ClBuffer) values;
        ClBuffer ob = (ClBuffer) out;
        if (count == 0 || cols == 0) {
            return;
        }
        Supplier<String> shapes = () -> count + " rows of " + cols + " into a table of " + rows;
        ClBuffer links = scratch(DType.I32, 2L * count);
        try {
            launch(ob.dtype(), KernelFamily.ELEMENTWISE, "scatter_add_links", shapes)
                    .integer(count).integer(rows).buffer(ib).buffer(links).run(queue(), count);
            long n = (long) count * cols;
            launch(ob.dtype(), KernelFamily.ELEMENTWISE, "scatter_add", shapes)
                    .unsignedLong(n).integer(count).integer(cols).buffer(ib).buffer(links).buffer(vb).buffer(ob)
                    .run(queue(), n);
        } finally {
            free(links);
        }
    }

    // ---- sliding windows ----

    @Override
    public void im2col(Window2d window, Buffer image, Buffer columns) {
        BufferChecks.im2col(this, window, image, columns);
        windows.im2col(window, (ClBuffer) image, (ClBuffer) columns);
    }

    @Override
    public void col2im(Window2d window, Buffer columns, Buffer image) {
        BufferChecks.col2im(this, window, columns, image);
        windows.col2im(window, (ClBuffer) columns, (ClBuffer) image);
    }

    @Override
    public void maxPool(Window2d window, Buffer image, Buffer out, Buffer argmax) {
        BufferChecks.maxPool(this, window, image, out, argmax);
        windows.maxPool(window, (ClBuffer) image, (ClBuffer) out, (ClBuffer) argmax);
    }

    @Override
    public void maxPoolBackward(Window2d window, Buffer gradOut, Buffer argmax, Buffer gradImage) {
        BufferChecks.maxPoolBackward(this, window, gradOut, argmax, gradImage);
        windows.maxPoolBackward(window, (ClBuffer) gradOut, (ClBuffer) argmax, (ClBuffer) gradImage);
    }

    @Override
    public void avgPool(Window2d window, Buffer image, Buffer out) {
        BufferChecks.avgPool(this, window, image, out);
        windows.avgPool(window, (ClBuffer) image, (ClBuffer) out);
    }

    @Override
    public void avgPoolBackward(Window2d window, Buffer gradOut, Buffer gradImage) {
        BufferChecks.avgPoolBackward(this, window, gradOut, gradImage);
        windows.avgPoolBackward(window, (ClBuffer) gradOut, (ClBuffer) gradImage);
    }

    // ---- recurrent cells ----

    @Override
    public void rnnCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask, Buffer states, Buffer h) {
        BufferChecks.rnnCell(this, at, inputGates, recurrent, mask, states, h);
        cells.rnn(at, (ClBuffer) inputGates, (ClBuffer) recurrent, (ClBuffer) mask, (ClBuffer) states, (ClBuffer) h);
    }

    @Override
    public void rnnCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gradStates, Buffer gradH,
                                Buffer gradGates) {
        BufferChecks.rnnCellBackward(this, at, mask, states, gradStates, gradH, gradGates);
        cells.rnnBackward(at, (ClBuffer) mask, (ClBuffer) states, (ClBuffer) gradStates, (ClBuffer) gradH,
                (ClBuffer) gradGates);
    }

    @Override
    public void lstmCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask, Buffer states, Buffer h,
                         Buffer gates) {
        BufferChecks.lstmCell(this, at, inputGates, recurrent, mask, states, h, gates);
        cells.lstm(at, (ClBuffer) inputGates, (ClBuffer) recurrent, (ClBuffer) mask, (ClBuffer) states, (ClBuffer) h,
                (ClBuffer) gates);
    }

    @Override
    public void lstmCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gates, Buffer gradStates,
                                 Buffer gradH, Buffer gradC, Buffer gradGates) {
        BufferChecks.lstmCellBackward(this, at, mask, states, gates, gradStates, gradH, gradC, gradGates);
        cells.lstmBackward(at, (ClBuffer) mask, (ClBuffer) states, (ClBuffer) gates, (ClBuffer) gradStates,
                (ClBuffer) gradH, (ClBuffer) gradC, (ClBuffer) gradGates);
    }

    @Override
    public void gruCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer recurrentBias, Buffer mask,
                        Buffer states, Buffer h, Buffer gates) {
        BufferChecks.gruCell(this, at, inputGates, recurrent, recurrentBias, mask, states, h, gates);
        cells.gru(at, (ClBuffer) inputGates, (ClBuffer) recurrent, (ClBuffer) recurrentBias, (ClBuffer) mask,
                (ClBuffer) states, (ClBuffer) h, (ClBuffer) gates);
    }

    @Override
    public void gruCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gates, Buffer gradStates,
                                Buffer gradH, Buffer gradInputGates, Buffer gradRecurrent) {
        BufferChecks.gruCellBackward(this, at, mask, states, gates, gradStates, gradH, gradInputGates, gradRecurrent);
        cells.gruBackward(at, (ClBuffer) mask, (ClBuffer) states, (ClBuffer) gates, (ClBuffer) gradStates,
                (ClBuffer) gradH, (ClBuffer) gradInputGates, (ClBuffer) gradRecurrent);
    }

    @Override
    public void gruResetCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer states, Buffer resetHidden,
                             Buffer gates) {
        BufferChecks.gruResetCell(this, at, inputGates, recurrent, states, resetHidden, gates);
        cells.gruReset(at, (ClBuffer) inputGates, (ClBuffer) recurrent, (ClBuffer) states, (ClBuffer) resetHidden,
                (ClBuffer) gates);
    }

    @Override
    public void gruCandidateCell(SequenceStep at, Buffer inputGates, Buffer recurrent, Buffer mask, Buffer states,
                                 Buffer h, Buffer gates) {
        BufferChecks.gruCandidateCell(this, at, inputGates, recurrent, mask, states, h, gates);
        cells.gruCandidate(at, (ClBuffer) inputGates, (ClBuffer) recurrent, (ClBuffer) mask, (ClBuffer) states,
                (ClBuffer) h, (ClBuffer) gates);
    }

    @Override
    public void gruCandidateCellBackward(SequenceStep at, Buffer mask, Buffer states, Buffer gates, Buffer gradStates,
                                         Buffer gradH, Buffer gradCandidate, Buffer gradResetGates) {
        BufferChecks.gruCandidateCellBackward(this, at, mask, states, gates, gradStates, gradH, gradCandidate,
                gradResetGates);
        cells.gruCandidateBackward(at, (ClBuffer) mask, (ClBuffer) states, (ClBuffer) gates, (ClBuffer) gradStates,
                (ClBuffer) gradH, (ClBuffer) gradCandidate, (ClBuffer) gradResetGates);
    }

    @Override
    public void gruResetCellBackward(SequenceStep at, Buffer states, Buffer gates, Buffer gradResetHidden,
                                     Buffer gradH, Buffer gradResetGates) {
        BufferChecks.gruResetCellBackward(this, at, states, gates, gradResetHidden, gradH, gradResetGates);
        cells.gruResetBackward(at, (ClBuffer) states, (ClBuffer) gates, (ClBuffer) gradResetHidden,
                (ClBuffer) gradH, (ClBuffer) gradResetGates);
    }

    // ---- element-wise ----

    @Override
    public void unary(UnaryOp op, double a, double b, Buffer x, Buffer out) {
        BufferChecks.unary(this, op, x, out);
        elementwise.unary(op, a, b, (ClBuffer) x, (ClBuffer) out);
    }

    @Override
    public void unaryBackward(UnaryOp op, double a, double b, Buffer x, Buffer y, Buffer gradOut, Buffer gradIn) {
        BufferChecks.unaryBackward(this, op, x, y, gradOut, gradIn);
        elementwise.unaryBackward(op, a, b, (ClBuffer) x, (ClBuffer) y, (ClBuffer) gradOut, (ClBuffer) gradIn);
    }

    @Override
    public void binary(BinaryOp op, Broadcast shape, Buffer a, Buffer b, Buffer out) {
        BufferChecks.binary(this, op, shape, a, b, out);
        elementwise.binary(op, shape, (ClBuffer) a, (ClBuffer) b, (ClBuffer) out);
    }

    // ---- reductions and row-wise ops ----

    @Override
    public void reduce(ReduceOp op, int outer, int middle, int inner, Buffer x, Buffer out) {
        BufferChecks.reduce(this, op, outer, middle, inner, x, out);
        reductions.reduce(op, outer, middle, inner, (ClBuffer) x, (ClBuffer) out);
    }

    @Override
    public void softmax(boolean log, int rows, int cols, Buffer x, Buffer out) {
        BufferChecks.softmax(this, log, rows, cols, x, out);
        rowwise.run(log ? "log_softmax" : "softmax", rows, cols, (ClBuffer) x, (ClBuffer) out);
    }

    @Override
    public void softmaxBackward(boolean log, int rows, int cols, Buffer y, Buffer gradOut, Buffer gradIn) {
        BufferChecks.softmaxBackward(this, log, rows, cols, y, gradOut, gradIn);
        rowwise.run(log ? "log_softmax_backward" : "softmax_backward", rows, cols, (ClBuffer) y, (ClBuffer) gradOut,
                (ClBuffer) gradIn);
    }

    @Override
    public void softmaxCrossEntropy(int rows, int cols, Buffer logits, Buffer targets, Buffer probabilities,
                                    Buffer losses) {
        BufferChecks.softmaxCrossEntropy(this, rows, cols, logits, targets, probabilities, losses);
        rowwise.run("softmax_cross_entropy", rows, cols, (ClBuffer) logits, (ClBuffer) targets,
                (ClBuffer) probabilities, (ClBuffer) losses);
    }

    @Override
    public void softmaxCrossEntropyTotal(int rows, int cols, double scale, Buffer logits, Buffer targets,
                                         Buffer probabilities, Buffer total) {
        BufferChecks.softmaxCrossEntropyTotal(this, rows, cols, scale, logits, targets, probabilities, total);
        rowwise.total(rows, cols, scale, (ClBuffer) logits, (ClBuffer) targets, (ClBuffer) probabilities,
                (ClBuffer) total);
    }

    @Override
    public void softmaxCrossEntropyBackward(int rows, int cols, double scale, Buffer probabilities, Buffer targets,
                                            Buffer gradLosses, Buffer gradLogits) {
        BufferChecks.softmaxCrossEntropyBackward(this, rows, cols, scale, probabilities, targets, gradLosses,
                gradLogits);
        int gradStride = gradLosses.length() == 1 ? 0 : 1;
        rowwise.run("softmax_cross_entropy_backward", rows, cols, launch -> launch.integer(gradStride).real(scale),
                (ClBuffer) probabilities, (ClBuffer) targets, (ClBuffer) gradLosses, (ClBuffer) gradLogits);
    }

    @Override
    public void histogram(Buffer x, double low, double high, int bins, Buffer counts) {
        BufferChecks.histogram(this, x, low, high, bins, counts);
        histograms.histogram((ClBuffer) x, low, high, bins, (ClBuffer) counts);
    }

    @Override
    public void addArgmaxMatches(int rows, int cols, Buffer predictions, Buffer labels, boolean classIndices,
                                 Buffer total) {
        BufferChecks.addArgmaxMatches(this, rows, cols, predictions, labels, classIndices, total);
        ClBuffer pb = (ClBuffer) predictions;
        int group = rowGroup(pb.dtype());
        launch(pb.dtype(), KernelFamily.REDUCE, classIndices ? "argmax_matches_indices" : "argmax_matches",
                () -> rows + " rows, " + cols + " columns")
                .integer(rows).integer(cols).buffer(pb).buffer((ClBuffer) labels).buffer((ClBuffer) total)
                .runGroupStride(queue(), 1, group);
    }

    @Override
    public void oneHot(int rows, int classes, Buffer indices, Buffer out) {
        BufferChecks.oneHot(this, rows, classes, indices, out);
        ClBuffer ib = (ClBuffer) indices;
        ClBuffer ob = (ClBuffer) out;
        launch(ob.dtype(), KernelFamily.REDUCE, "one_hot", () -> rows + " rows, " + classes + " classes")
                .unsignedLong((long) rows * classes).integer(classes).buffer(ib).buffer(ob)
                .run(queue(), (long) rows * classes);
    }

    // ---- training ----

    @Override
    public void update(UpdateRule rule, UpdateParameters parameters, Buffer param, Buffer grad, Buffer... states) {
        BufferChecks.update(this, rule, parameters, param, grad, states);
        ClBuffer pb = (ClBuffer) param;
        long n = pb.length();
        KernelLaunch launch = launch(pb.dtype(), KernelFamily.OPTIM, UPDATE_KERNELS.get(rule), () -> n + " elements")
                .unsignedLong(n).real(parameters.learningRate()).real(parameters.beta1()).real(parameters.beta2())
                .real(parameters.epsilon()).real(parameters.weightDecay())
                .real(1 - Math.pow(parameters.beta1(), parameters.step()))
                .real(1 - Math.pow(parameters.beta2(), parameters.step()))
                .buffer(pb).buffer((ClBuffer) grad);
        for (Buffer state : states) {
            launch.buffer((ClBuffer) state);
        }
        launch.run(queue(), vectors(pb.dtype(), n));
    }

    @Override
    public void updateGroup(UpdateRule rule, UpdateParameters parameters, Buffer[] params, Buffer[] grads,
                            Buffer[][] states) {
        BufferChecks.updateGroup(this, rule, parameters, params, grads, states);
        ClBuffer[][] stateBuffers = new ClBuffer[states.length][];
        for (int i = 0; i < states.length; i++) {
            stateBuffers[i] = clBuffers(states[i]);
        }
        updateGroup.run(rule, parameters, clBuffers(params), clBuffers(grads), stateBuffers);
    }

    // A cast per element: Arrays.copyOf to ClBuffer[].class makes the JIT speculate on the array's class and
    // recompile the whole optimizer step each time the speculation fails.
    private static ClBuffer[] clBuffers(Buffer[] buffers) {
        ClBuffer[] cast = new ClBuffer[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            cast[i] = (ClBuffer) buffers[i];
        }
        return cast;
    }

    @Override
    public void random(Distribution distribution, long seed, long offset, double a, double b, Buffer out) {
        BufferChecks.random(this, distribution, out);
        ClBuffer ob = (ClBuffer) out;
        KernelLaunch launch = launch(ob.dtype(), KernelFamily.RANDOM, RANDOM_KERNELS.get(distribution),
                () -> ob.length() + " elements, seed=" + seed + ", offset=" + offset)
                .unsignedLong(ob.length()).unsignedLong(offset).unsigned(seed & 0xFFFFFFFFL).unsigned(seed >>> 32);
        switch (distribution) {
            case UNIFORM, NORMAL -> launch.real(a).real(b);
            case BERNOULLI -> launch.unsigned(bernoulliThreshold(ob.dtype() == DType.F64 ? a : (float) a));
        }
        // One work-item per vector of Philox blocks, four elements each.
        long blocks = ((offset + ob.length() + 3) >>> 2) - (offset >>> 2);
        launch.buffer(ob).run(queue(), vectors(ob.dtype(), blocks));
    }

    /** The t with (x0 >>> 8) &lt; t exactly when u = (x0 >>> 8) * 2^-24 &lt; keep. */
    static long bernoulliThreshold(double keep) {
        if (!(keep > 0)) {
            return 0;
        }
        return (long) Math.min(1 << 24, Math.ceil(keep * (1 << 24)));
    }

    // ---- plumbing for the kernel launchers ----

    cl_command_queue queue() {
        checkOpen();
        return context.queue();
    }

    /** A launch of kernel {@code name} of {@code family} compiled for {@code dtype}. */
    KernelLaunch launch(DType dtype, KernelFamily family, String name, Supplier<String> shapes) {
        checkOpen();
        if (!dtype.isReal()) {
            throw new KilnException(name + ": kernels are built for F32 or F64, not " + dtype);
        }
        if (!LAUNCHED.getAndSet(true) && LOG.isDebugEnabled()) {
            LOG.debug("first kernel launch, {} ms after the process started", StartupClock.millisSinceStart());
        }
        boolean stride = gridStride;
        return new KernelLaunch(wide -> kernel(new ProgramVariant(dtype, wide || wideIndices, stride), family, name),
                this::limits, programs::instances, stride ? maxGlobal : Long.MAX_VALUE, retry, scalarArgument, name,
                dtype, shapes, kernelLaunches, kernelArgumentsSet);
    }

    /** Kernels enqueued since the backend opened: one backend call may take several launches, or none. */
    long kernelLaunches() {
        return kernelLaunches.sum();
    }

    /** Kernel arguments set since the backend opened: those the launches passed that their kernels did not hold. */
    long kernelArgumentsSet() {
        return kernelArgumentsSet.sum();
    }

    private cl_kernel kernel(ProgramVariant variant, KernelFamily family, String name) {
        cl_kernel kernel = kernels.computeIfAbsent(variant, v -> new HashMap<>()).get(name);
        if (kernel == null) {
            ProgramSource source = source(variant, family);
            kernel = PlatformLock.locked(() -> programs.kernel(source, name));
            kernels.get(variant).put(name, kernel);
        }
        return kernel;
    }

    /** What the device allows {@code kernel}'s work-groups, within the cap tests may set. */
    private KernelLimits limits(cl_kernel kernel) {
        KernelLimits limits = programs.limits(kernel);
        return workGroupCap > 0 ? limits.withWorkGroupSizeAtMost(workGroupCap) : limits;
    }

    /** Work-items per group the device allows kernel {@code name} of {@code family} in {@code dtype}. */
    long workGroupLimit(DType dtype, KernelFamily family, String name) {
        return limits(kernel(new ProgramVariant(dtype, wideIndices, gridStride), family, name)).workGroupSize();
    }

    /**
     * The work-group of reduce.cl's row kernels (RWG) for {@code dtype}: {@link OpenClReduce#ROW_GROUP}, or the
     * largest power of two the device allows them below it (Mesa's rusticl allows every kernel 32 work-items).
     */
    int rowGroup(DType dtype) {
        Integer known = rowGroups.get(dtype);
        if (known == null) {
            ProgramSource standard = ProgramSource.of(KernelFamily.REDUCE, dtype, gemmTuning(dtype), lanes(dtype),
                    false, gridStride, OpenClReduce.ROW_GROUP);
            cl_kernel rows = PlatformLock.locked(() -> programs.kernel(standard, "reduce_sum_rows"));
            known = Integer.highestOneBit((int) Math.min(OpenClReduce.ROW_GROUP, limits(rows).workGroupSize()));
            rowGroups.put(dtype, known);
        }
        return known;
    }

    /**
     * Caps every kernel's work-group at {@code workItems} (0 removes the cap), as a device with a lower limit would,
     * so that tests run the launches that adapt to it; set before the first kernel of a dtype is built.
     */
    void capWorkGroups(long workItems) {
        workGroupCap = workItems;
    }

    /** The launcher of the row-wise kernels (softmax.cl), for tests that choose its layout. */
    OpenClSoftmax rowwise() {
        return rowwise;
    }

    /**
     * Caps 1-D launches at {@code workItems} (rounded up to a whole work-group, or one smaller group) with the
     * kernels' grid-stride loops on, even on a CPU device, so that tests run the loops; 0 restores the device's
     * setting: capped loops on GPUs and other devices, one index per work-item on CPU devices (common.cl).
     */
    void capGlobalSize(long workItems) {
        gridStride = workItems > 0 || !device().type().equals("cpu");
        maxGlobal = workItems <= 0 ? GlobalSizeCap.of(device())
                : workItems < KernelLaunch.GROUP ? workItems : KernelLaunch.roundUp(workItems, KernelLaunch.GROUP);
    }

    /** Builds every kernel with 64-bit indices, whatever the sizes, so that tests run those builds on small data. */
    void forceWideIndices(boolean wide) {
        wideIndices = wide;
    }

    /**
     * Compiles every kernel family for {@code dtype} now (I32 has no programs of its own), so that a device that
     * cannot build them fails at once.
     */
    public void prepare(DType dtype) {
        prepare(dtype, () -> false);
    }

    /** {@link #prepare(DType)}, ending with a {@link CancellationException} where {@code stop} says so. */
    void prepare(DType dtype, BooleanSupplier stop) {
        requireSupported(dtype);
        if (!dtype.isReal()) {
            return;
        }
        for (KernelFamily family : KernelFamily.values()) {
            if (stop.getAsBoolean()) {
                throw new CancellationException("preparing the " + dtype + " kernels was stopped");
            }
            ProgramSource source = source(dtype, family);
            PlatformLock.locked(() -> programs.program(source));
        }
    }

    /** The program text of {@code family} for {@code dtype} with this device's tuning and 32-bit indices. */
    ProgramSource source(DType dtype, KernelFamily family) {
        return source(new ProgramVariant(dtype, false, gridStride), family);
    }

    private ProgramSource source(ProgramVariant variant, KernelFamily family) {
        DType dtype = variant.dtype();
        return sources.computeIfAbsent(variant, v -> new EnumMap<>(KernelFamily.class)).computeIfAbsent(family,
                f -> ProgramSource.of(f, dtype, gemmTuning(dtype), lanes(dtype), variant.wide(), variant.gridStride(),
                        f == KernelFamily.REDUCE ? rowGroup(dtype) : OpenClReduce.ROW_GROUP));
    }

    /** Elements per work-item of the vector kernels for {@code dtype} on this device (VW of their programs). */
    int lanes(DType dtype) {
        return TuningTable.lanes(context.device(), dtype);
    }

    /** Work-items of a vector kernel over {@code n} elements of {@code dtype}: one per VW, the last one partial. */
    long vectors(DType dtype, long n) {
        int lanes = lanes(dtype);
        return (n + lanes - 1) / lanes;
    }

    GemmTuning gemmTuning(DType dtype) {
        return gemmTunings.computeIfAbsent(dtype, d -> storedGemmTuning(d).orElseGet(() -> builtInGemmTuning(d)));
    }

    /** What {@code kiln tune} stored for this device, driver and dtype; empty without a store or an entry. */
    Optional<GemmTuning> storedGemmTuning(DType dtype) {
        return tunings == null ? Optional.empty() : tunings.read(context.device(), dtype);
    }

    GemmTuning builtInGemmTuning(DType dtype) {
        return TuningTable.gemm(context.device(), dtype);
    }

    /** Where {@code kiln tune} keeps this device's tunings; null when the cache is off. */
    GemmTuningStore tuningStore() {
        return tunings;
    }

    ClDevice clDevice() {
        return context.device();
    }

    /** Replaces the gemm tuning for {@code dtype}; for tests and benchmarks of the other variants. */
    void overrideGemmTuning(DType dtype, GemmTuning tuning) {
        gemmTunings.put(dtype, tuning);
        sources.forEach((variant, families) -> {
            if (variant.dtype() == dtype) {
                families.remove(KernelFamily.GEMM);
            }
        });
        kernels.forEach((variant, named) -> {
            if (variant.dtype() == dtype) {
                named.keySet().removeIf(name -> name.startsWith("gemm_"));
            }
        });
    }

    ProgramCache programs() {
        return programs;
    }

    /** Runs an enqueue of a command that needs {@code bytes} of device memory, failing with {@code what}. */
    private void enqueue(IntSupplier command, LongSupplier bytes, Supplier<String> what) {
        ClStatus.check(retry.enqueue(command, bytes, what), what);
    }

    /** A temporary buffer for a kernel launcher, returned with {@link #free}. */
    ClBuffer scratch(DType dtype, long length) {
        return newBuffer(dtype, length, () -> "scratch " + dtype + "[" + length + "]");
    }

    /** A new live buffer. */
    private ClBuffer newBuffer(DType dtype, long length, Supplier<String> what) {
        long bytes = Math.max(1, length) * dtype.bytes();
        long[] capacity = new long[1];
        cl_mem memory = pool.acquire(bytes, capacity, what);
        ClBuffer buffer = new ClBuffer(this, dtype, length, memory, capacity[0]);
        live.add(buffer);
        return buffer;
    }

    private void requireSupported(DType dtype) {
        if (!supports(dtype)) {
            throw new KilnException(dtype + " is not supported on OpenCL device " + device().name()
                    + ": it does not report cl_khr_fp64");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new BackendClosedException(this, "OpenCL call");
        }
    }

    @Override
    public String toString() {
        return "opencl on " + device().name();
    }
}
