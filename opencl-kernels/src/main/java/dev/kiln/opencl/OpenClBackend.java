package dev.kiln.opencl;

import dev.kiln.KilnException;
import dev.kiln.KilnSettings;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * The Kiln backend on one OpenCL device: every primitive is a kernel enqueued on the device's in-order
 * queue, and only {@link #download} and {@link #synchronize} wait for it.
 */
public final class OpenClBackend implements Backend {
    /** Work-group size of the row-reduction kernels. */
    private static final int ROW_GROUP = 64;
    /** Rows at least this long are reduced by a work-group each rather than by one work-item. */
    private static final int ROW_KERNEL_FROM = 256;
    /** Host copies of uploads held beyond this are released by waiting for the queue. */
    private static final long MAX_PENDING_UPLOAD_BYTES = 256L << 20;

    private final ClContext context;
    private final ProgramCache programs;
    private final BufferPool pool;
    private final OpenClGemm gemm = new OpenClGemm(this);
    private final Map<DType, GemmTuning> gemmTunings = new EnumMap<>(DType.class);
    private final Map<DType, Map<KernelFamily, ProgramSource>> sources = new EnumMap<>(DType.class);
    private final Map<DType, Map<String, cl_kernel>> kernels = new EnumMap<>(DType.class);
    private final Set<ClBuffer> live = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Host copies of uploads in flight; kept reachable until the queue has been waited on. */
    private final List<ByteBuffer> pendingUploads = new ArrayList<>();
    private long pendingUploadBytes;
    private long uploads;
    private long uploadedBytes;
    private long downloads;
    private long downloadedBytes;
    private boolean closed;

    /** A backend on the device the settings choose ({@code kiln.opencl.device}), with the settings' binary cache. */
    public static OpenClBackend create() {
        return onDevice(KilnSettings.openClDevice());
    }

    /** A backend on the device named by {@code choice}: an index or part of a name; null picks the default. */
    public static OpenClBackend onDevice(String choice) {
        return new OpenClBackend(ClDevices.choose(ClDevices.discover(), choice), binaryCache(KilnSettings.openClCache()));
    }

    OpenClBackend(ClDevice device, BinaryCache binaryCache) {
        this.context = new ClContext(device);
        this.programs = new ProgramCache(context, binaryCache);
        this.pool = new BufferPool(context);
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
    public boolean supports(DType dtype) {
        return dtype == DType.F32 || dtype == DType.I32 || (dtype == DType.F64 && device().fp64());
    }

    // ---- memory ----

    @Override
    public Buffer allocate(DType dtype, long length) {
        checkOpen();
        requireSupported(dtype);
        if (length < 0) {
            throw new KilnException("allocate: length must not be negative, got " + length);
        }
        ClBuffer buffer = newBuffer(dtype, length, "allocate " + dtype + "[" + length + "]");
        live.add(buffer);
        return buffer;
    }

    @Override
    public void upload(float[] source, Buffer target) {
        ClBuffer t = buffer(target, "upload target", DType.F32, source.length);
        ByteBuffer host = ByteBuffer.allocateDirect(source.length * Float.BYTES).order(ByteOrder.nativeOrder());
        host.asFloatBuffer().put(source);
        write(t, host);
    }

    @Override
    public void upload(double[] source, Buffer target) {
        ClBuffer t = buffer(target, "upload target", DType.F64, source.length);
        ByteBuffer host = ByteBuffer.allocateDirect(source.length * Double.BYTES).order(ByteOrder.nativeOrder());
        host.asDoubleBuffer().put(source);
        write(t, host);
    }

    @Override
    public void upload(int[] source, Buffer target) {
        ClBuffer t = buffer(target, "upload target", DType.I32, source.length);
        ByteBuffer host = ByteBuffer.allocateDirect(source.length * Integer.BYTES).order(ByteOrder.nativeOrder());
        host.asIntBuffer().put(source);
        write(t, host);
    }

    private void write(ClBuffer target, ByteBuffer host) {
        if (host.capacity() == 0) {
            return;
        }
        ClStatus.check(CL.clEnqueueWriteBuffer(queue(), target.memory(), false, 0, host.capacity(),
                Pointer.to(host), 0, null, null), () -> "upload of " + host.capacity() + " bytes into " + target);
        pendingUploads.add(host);
        pendingUploadBytes += host.capacity();
        uploads++;
        uploadedBytes += host.capacity();
        if (pendingUploadBytes > MAX_PENDING_UPLOAD_BYTES) {
            synchronize();
        }
    }

    @Override
    public void download(Buffer source, float[] target) {
        ClBuffer s = buffer(source, "download source", DType.F32, target.length);
        read(s, Pointer.to(target), (long) target.length * Float.BYTES);
    }

    @Override
    public void download(Buffer source, double[] target) {
        ClBuffer s = buffer(source, "download source", DType.F64, target.length);
        read(s, Pointer.to(target), (long) target.length * Double.BYTES);
    }

    @Override
    public void download(Buffer source, int[] target) {
        ClBuffer s = buffer(source, "download source", DType.I32, target.length);
        read(s, Pointer.to(target), (long) target.length * Integer.BYTES);
    }

    private void read(ClBuffer source, Pointer target, long bytes) {
        if (bytes > 0) {
            ClStatus.check(CL.clEnqueueReadBuffer(queue(), source.memory(), true, 0, bytes, target, 0, null, null),
                    () -> "download of " + bytes + " bytes from " + source + " (or an earlier kernel)");
            downloads++;
            downloadedBytes += bytes;
        }
        releasePendingUploads();
    }

    /** Drops the host copies of uploads; only once the queue has been waited on. */
    private void releasePendingUploads() {
        pendingUploads.clear();
        pendingUploadBytes = 0;
    }

    @Override
    public void copy(Buffer source, long sourceOffset, Buffer target, long targetOffset, long length) {
        ClBuffer s = buffer(source, "copy source", null, 0);
        ClBuffer t = buffer(target, "copy target", s.dtype(), 0);
        if (sourceOffset < 0 || targetOffset < 0 || length < 0
                || sourceOffset + length > s.length() || targetOffset + length > t.length()) {
            throw new KilnException("copy: range [" + sourceOffset + ", +" + length + ") of " + s + " to ["
                    + targetOffset + ", +" + length + ") of " + t + " is out of bounds");
        }
        if (s == t && Math.abs(sourceOffset - targetOffset) < length) {
            throw new KilnException("copy: source and target ranges overlap within " + s);
        }
        if (length == 0) {
            return;
        }
        int bytes = s.dtype().bytes();
        ClStatus.check(CL.clEnqueueCopyBuffer(queue(), s.memory(), t.memory(), sourceOffset * bytes,
                targetOffset * bytes, length * bytes, 0, null, null), () -> "copy of " + length + " elements");
    }

    @Override
    public void copyBlocks(int blocks, int blockLength, Buffer source, long sourceOffset, long sourceStride,
                           Buffer target, long targetOffset, long targetStride) {
        ClBuffer s = buffer(source, "copyBlocks source", null, 0);
        ClBuffer t = buffer(target, "copyBlocks target", s.dtype(), 0);
        if (s == t) {
            throw new KilnException("copyBlocks: source and target are the same buffer " + s
                    + "; they must be different buffers");
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
        if (sourceEnd > s.length() || targetEnd > t.length()) {
            throw new KilnException("copyBlocks: " + blocks + " blocks of " + blockLength + " elements reach element "
                    + sourceEnd + " of " + s + " (offset " + sourceOffset + ", stride " + sourceStride + ") and element "
                    + targetEnd + " of " + t + " (offset " + targetOffset + ", stride " + targetStride
                    + "); out of bounds");
        }
        long n = (long) blocks * blockLength;
        // I32 blocks move through the int kernel of the F32 program: the bits are copied as they are.
        boolean ints = s.dtype() == DType.I32;
        launch(ints ? DType.F32 : s.dtype(), KernelFamily.ELEMENTWISE, ints ? "copy_blocks_int" : "copy_blocks", () -> blocks + " blocks of " + blockLength
                + ", source offset " + sourceOffset + " stride " + sourceStride + ", target offset " + targetOffset
                + " stride " + targetStride)
                .unsignedLong(n).integer(blockLength).unsignedLong(sourceOffset).unsignedLong(sourceStride)
                .unsignedLong(targetOffset).unsignedLong(targetStride).buffer(s).buffer(t).run(queue(), n);
    }

    /** One past the last element that blocks at {@code offset} with {@code stride} touch; saturates instead of overflowing. */
    private static long blocksEnd(int blocks, int blockLength, long offset, long stride) {
        try {
            return Math.addExact(Math.addExact(offset, Math.multiplyExact(blocks - 1L, stride)), blockLength);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public void fill(Buffer target, double value) {
        ClBuffer t = buffer(target, "fill target", null, 0);
        if (t.length() == 0) {
            return;
        }
        Pointer pattern = switch (t.dtype()) {
            case F64 -> Pointer.to(new double[] {value});
            case F32 -> Pointer.to(new float[] {(float) value});
            case I32 -> Pointer.to(new int[] {(int) value});
        };
        ClStatus.check(CL.clEnqueueFillBuffer(queue(), t.memory(), pattern, t.dtype().bytes(), 0, t.bytes(), 0, null, null),
                () -> "fill of " + t);
    }

    @Override
    public void free(Buffer buffer) {
        ClBuffer b = buffer(buffer, "freed buffer", null, 0);
        b.markFreed();
        live.remove(b);
        pool.release(b.memory(), b.capacityBytes());
    }

    @Override
    public long liveBuffers() {
        return live.size();
    }

    @Override
    public TransferStats transfers() {
        return new TransferStats(uploads, uploadedBytes, downloads, downloadedBytes);
    }

    @Override
    public void synchronize() {
        checkOpen();
        context.finish();
        releasePendingUploads();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        context.finish();
        releasePendingUploads();
        for (ClBuffer buffer : live) {
            buffer.markFreed();
            CL.clReleaseMemObject(buffer.memory());
        }
        live.clear();
        pool.close();
        kernels.clear();
        programs.close();
        context.close();
        closed = true;
    }

    // ---- linear algebra ----

    @Override
    public void gemm(boolean transposeA, boolean transposeB, int m, int n, int k,
                     double alpha, Buffer a, Buffer b, double beta, Buffer c) {
        if (m < 0 || n < 0 || k < 0) {
            throw new KilnException("gemm: sizes must not be negative, got m=" + m + ", n=" + n + ", k=" + k);
        }
        ClBuffer cb = real("gemm", buffer(c, "gemm c", null, (long) m * n));
        ClBuffer ab = buffer(a, "gemm a", cb.dtype(), (long) m * k);
        ClBuffer bb = buffer(b, "gemm b", cb.dtype(), (long) k * n);
        if (ab == cb || bb == cb) {
            throw new KilnException("gemm: c must not be the same buffer as a or b");
        }
        if ((long) m * n == 0) {
            return;
        }
        if (k == 0) {
            scale(cb, (long) m * n, beta);
            return;
        }
        gemm.run(gemmTuning(cb.dtype()), transposeA, transposeB, m, n, k, alpha, ab, bb, beta, cb);
    }

    /** c[0, length) *= beta, with beta = 0 writing zeros whatever c held. */
    private void scale(ClBuffer c, long length, double beta) {
        if (beta == 0) {
            Pointer zero = c.dtype() == DType.F64 ? Pointer.to(new double[1]) : Pointer.to(new float[1]);
            ClStatus.check(CL.clEnqueueFillBuffer(queue(), c.memory(), zero, c.dtype().bytes(), 0,
                    length * c.dtype().bytes(), 0, null, null), "gemm with k = 0");
        } else {
            launch(c.dtype(), KernelFamily.ELEMENTWISE, "unary_affine", () -> "gemm with k = 0, " + length + " elements")
                    .unsignedLong(length).real(beta).real(0).buffer(c).buffer(c).run(queue(), length);
        }
    }

    @Override
    public void transpose(int rows, int cols, Buffer x, Buffer out) {
        ClBuffer xb = real("transpose", buffer(x, "transpose x", null, (long) rows * cols));
        ClBuffer ob = buffer(out, "transpose out", xb.dtype(), (long) rows * cols);
        if (xb == ob) {
            throw new KilnException("transpose: out must not be the same buffer as x");
        }
        launch(xb.dtype(), KernelFamily.ELEMENTWISE, "transpose", () -> "rows=" + rows + ", cols=" + cols)
                .integer(rows).integer(cols).buffer(xb).buffer(ob).run(queue(), (long) rows * cols);
    }

    @Override
    public void gemmBatched(boolean transposeA, boolean transposeB, int batch, int m, int n, int k, double alpha,
                            Buffer a, long strideA, Buffer b, long strideB, double beta, Buffer c, long strideC) {
        if (batch < 0 || m < 0 || n < 0 || k < 0 || strideA < 0 || strideB < 0 || strideC < 0) {
            throw new KilnException("gemmBatched: sizes and strides must not be negative, got batch=" + batch + ", m=" + m
                    + ", n=" + n + ", k=" + k + ", strides " + strideA + ", " + strideB + ", " + strideC);
        }
        long mk = (long) m * k;
        long kn = (long) k * n;
        long mn = (long) m * n;
        if (batch > 1 && strideC < mn) {
            throw new KilnException("gemmBatched: c stride " + strideC + " is shorter than a product of m * n = " + mn
                    + " elements, so the products would overlap");
        }
        ClBuffer cb = real("gemmBatched", buffer(c, "gemmBatched c", null, span(batch, strideC, mn)));
        ClBuffer ab = buffer(a, "gemmBatched a", cb.dtype(), span(batch, strideA, mk));
        ClBuffer bb = buffer(b, "gemmBatched b", cb.dtype(), span(batch, strideB, kn));
        if (ab == cb || bb == cb) {
            throw new KilnException("gemmBatched: c must not be the same buffer as a or b");
        }
        if (batch == 0 || mn == 0) {
            return;
        }
        // A shared, untransposed-a product over packed a and c is one product of [batch * m, k] by op(b).
        if (batch == 1 || (strideB == 0 && !transposeA && strideA == mk && strideC == mn)) {
            gemm(transposeA, transposeB, Math.multiplyExact(batch, m), n, k, alpha, ab, bb, beta, cb);
            return;
        }
        launch(cb.dtype(), KernelFamily.GEMM, "gemm_batched", () -> "batch=" + batch + ", m=" + m + ", n=" + n + ", k="
                + k + ", transposeA=" + transposeA + ", transposeB=" + transposeB + ", strides " + strideA + ", "
                + strideB + ", " + strideC)
                .integer(m).integer(n).integer(k).integer(transposeA ? 1 : 0).integer(transposeB ? 1 : 0)
                .real(alpha).buffer(ab).unsignedLong(strideA).buffer(bb).unsignedLong(strideB)
                .real(beta).buffer(cb).unsignedLong(strideC)
                .runGroups(queue(), new long[] {KernelLaunch.roundUp(n, 8), KernelLaunch.roundUp(m, 8), batch},
                        new long[] {8, 8, 1});
    }

    /** Elements that {@code count} matrices of {@code length}, {@code stride} apart, reach. */
    private static long span(int count, long stride, long length) {
        return count == 0 || length == 0 ? 0 : Math.addExact(Math.multiplyExact(count - 1L, stride), length);
    }

    @Override
    public void permute(int[] dims, int[] axes, Buffer x, Buffer out) {
        if (dims == null || axes == null || dims.length < 1 || dims.length > MAX_PERMUTE_RANK
                || axes.length != dims.length) {
            throw new KilnException("permute: expected 1 to " + MAX_PERMUTE_RANK + " dims and as many axes, got dims "
                    + Arrays.toString(dims) + " and axes " + Arrays.toString(axes));
        }
        int rank = dims.length;
        boolean[] seen = new boolean[rank];
        long size = 1;
        for (int d = 0; d < rank; d++) {
            if (axes[d] < 0 || axes[d] >= rank || seen[axes[d]] || dims[d] < 0) {
                throw new KilnException("permute: axes " + Arrays.toString(axes) + " must be a permutation of [0, " + rank
                        + ") and dims " + Arrays.toString(dims) + " not negative");
            }
            seen[axes[d]] = true;
            size *= dims[d];
        }
        ClBuffer xb = real("permute", buffer(x, "permute x", null, size));
        ClBuffer ob = buffer(out, "permute out", xb.dtype(), size);
        if (xb == ob) {
            throw new KilnException("permute: out must not be the same buffer as x");
        }
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
        checkCounts("gather", rows, cols, count);
        ClBuffer tb = real("gather", buffer(table, "gather table", null, (long) rows * cols));
        ClBuffer ib = indices("gather", buffer(indices, "gather indices", null, count));
        ClBuffer ob = buffer(out, "gather out", tb.dtype(), (long) count * cols);
        if (ob == tb || ob == ib) {
            throw new KilnException("gather: out must not be the same buffer as the table or the indices");
        }
        long n = (long) count * cols;
        launch(tb.dtype(), KernelFamily.ELEMENTWISE, "gather", () -> count + " rows of " + cols + " from a table of " + rows)
                .unsignedLong(n).integer(rows).integer(cols).buffer(tb).buffer(ib).buffer(ob).run(queue(), n);
    }

    @Override
    public void scatterAdd(int rows, int cols, int count, Buffer indices, Buffer values, Buffer out) {
        checkCounts("scatterAdd", rows, cols, count);
        ClBuffer ob = real("scatterAdd", buffer(out, "scatterAdd out", null, (long) rows * cols));
        ClBuffer ib = indices("scatterAdd", buffer(indices, "scatterAdd indices", null, count));
        ClBuffer vb = buffer(values, "scatterAdd values", ob.dtype(), (long) count * cols);
        if (ob == ib || ob == vb) {
            throw new KilnException("scatterAdd: out must not be the same buffer as the indices or the values");
        }
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

    private static void checkCounts(String method, int rows, int cols, int count) {
        if (rows < 0 || cols < 0 || count < 0) {
            throw new KilnException(method + ": rows, cols and count must not be negative, got " + rows + ", " + cols
                    + " and " + count);
        }
    }

    // ---- element-wise ----

    @Override
    public void unary(UnaryOp op, double a, double b, Buffer x, Buffer out) {
        ClBuffer xb = real("unary " + op, buffer(x, op + " x", null, 0));
        ClBuffer ob = buffer(out, op + " out", xb.dtype(), xb.length());
        launch(xb.dtype(), KernelFamily.ELEMENTWISE, "unary_" + lower(op), () -> xb.length() + " elements")
                .unsignedLong(xb.length()).real(a).real(b).buffer(xb).buffer(ob).run(queue(), xb.length());
    }

    @Override
    public void unaryBackward(UnaryOp op, double a, double b, Buffer x, Buffer y, Buffer gradOut, Buffer gradIn) {
        ClBuffer xb = real("unaryBackward " + op, buffer(x, op + " backward x", null, 0));
        long n = xb.length();
        ClBuffer yb = buffer(y, op + " backward y", xb.dtype(), n);
        ClBuffer gb = buffer(gradOut, op + " backward gradOut", xb.dtype(), n);
        ClBuffer ib = buffer(gradIn, op + " backward gradIn", xb.dtype(), n);
        launch(xb.dtype(), KernelFamily.ELEMENTWISE, "unary_" + lower(op) + "_backward", () -> n + " elements")
                .unsignedLong(n).real(a).real(b).buffer(xb).buffer(yb).buffer(gb).buffer(ib).run(queue(), n);
    }

    @Override
    public void binary(BinaryOp op, Broadcast shape, Buffer a, Buffer b, Buffer out) {
        ClBuffer ob = real("binary " + op, buffer(out, op + " out", null, shape.length()));
        ClBuffer ab = buffer(a, op + " a", ob.dtype(), shape.operandLength(shape.aAxes()));
        ClBuffer bb = buffer(b, op + " b", ob.dtype(), shape.operandLength(shape.bAxes()));
        if ((ob == ab && shape.operandLength(shape.aAxes()) != shape.length())
                || (ob == bb && shape.operandLength(shape.bAxes()) != shape.length())) {
            throw new KilnException(op + ": out may be an operand only when that operand is not broadcast (" + shape + ")");
        }
        launch(ob.dtype(), KernelFamily.ELEMENTWISE, "binary_" + lower(op), shape::toString)
                .unsignedLong(shape.length()).integer(shape.middle()).integer(shape.inner())
                .integer(shape.aAxes()).integer(shape.bAxes()).buffer(ab).buffer(bb).buffer(ob)
                .run(queue(), shape.length());
    }

    // ---- reductions and row-wise ops ----

    @Override
    public void reduce(ReduceOp op, int outer, int middle, int inner, Buffer x, Buffer out) {
        if (outer < 0 || middle < 1 || inner < 0) {
            throw new KilnException("reduce " + op + ": expected outer >= 0, middle >= 1, inner >= 0, got "
                    + outer + "x" + middle + "x" + inner);
        }
        ClBuffer xb = real("reduce " + op, buffer(x, op + " x", null, (long) outer * middle * inner));
        ClBuffer ob = buffer(out, op + " out", xb.dtype(), (long) outer * inner);
        if (ob == xb) {
            throw new KilnException("reduce " + op + ": out must not be the same buffer as x");
        }
        Supplier<String> shapes = () -> "outer=" + outer + ", middle=" + middle + ", inner=" + inner;
        if (inner == 1 && middle >= ROW_KERNEL_FROM) {
            launch(xb.dtype(), KernelFamily.REDUCE, "reduce_" + lower(op) + "_rows", shapes)
                    .integer(middle).buffer(xb).buffer(ob)
                    .runGroups(queue(), new long[] {(long) outer * ROW_GROUP}, new long[] {ROW_GROUP});
        } else {
            launch(xb.dtype(), KernelFamily.REDUCE, "reduce_" + lower(op), shapes)
                    .unsignedLong((long) outer * inner).integer(middle).integer(inner).buffer(xb).buffer(ob)
                    .run(queue(), (long) outer * inner);
        }
    }

    @Override
    public void softmax(boolean log, int rows, int cols, Buffer x, Buffer out) {
        checkRows("softmax", rows, cols);
        ClBuffer xb = real("softmax", buffer(x, "softmax x", null, (long) rows * cols));
        ClBuffer ob = buffer(out, "softmax out", xb.dtype(), (long) rows * cols);
        launch(xb.dtype(), KernelFamily.SOFTMAX, log ? "log_softmax" : "softmax", () -> rows + "x" + cols)
                .integer(rows).integer(cols).buffer(xb).buffer(ob).run(queue(), rows);
    }

    @Override
    public void softmaxBackward(boolean log, int rows, int cols, Buffer y, Buffer gradOut, Buffer gradIn) {
        checkRows("softmaxBackward", rows, cols);
        ClBuffer yb = real("softmaxBackward", buffer(y, "softmaxBackward y", null, (long) rows * cols));
        ClBuffer gb = buffer(gradOut, "softmaxBackward gradOut", yb.dtype(), (long) rows * cols);
        ClBuffer ib = buffer(gradIn, "softmaxBackward gradIn", yb.dtype(), (long) rows * cols);
        launch(yb.dtype(), KernelFamily.SOFTMAX, log ? "log_softmax_backward" : "softmax_backward", () -> rows + "x" + cols)
                .integer(rows).integer(cols).buffer(yb).buffer(gb).buffer(ib).run(queue(), rows);
    }

    @Override
    public void softmaxCrossEntropy(int rows, int cols, Buffer logits, Buffer targets, Buffer probabilities, Buffer losses) {
        checkRows("softmaxCrossEntropy", rows, cols);
        long size = (long) rows * cols;
        ClBuffer lb = real("softmaxCrossEntropy", buffer(logits, "softmaxCrossEntropy logits", null, size));
        ClBuffer tb = buffer(targets, "softmaxCrossEntropy targets", lb.dtype(), size);
        ClBuffer pb = buffer(probabilities, "softmaxCrossEntropy probabilities", lb.dtype(), size);
        ClBuffer sb = buffer(losses, "softmaxCrossEntropy losses", lb.dtype(), rows);
        launch(lb.dtype(), KernelFamily.SOFTMAX, "softmax_cross_entropy", () -> rows + "x" + cols)
                .integer(rows).integer(cols).buffer(lb).buffer(tb).buffer(pb).buffer(sb).run(queue(), rows);
    }

    @Override
    public void softmaxCrossEntropyBackward(int rows, int cols, Buffer probabilities, Buffer targets,
                                            Buffer gradLosses, Buffer gradLogits) {
        checkRows("softmaxCrossEntropyBackward", rows, cols);
        long size = (long) rows * cols;
        ClBuffer pb = real("softmaxCrossEntropyBackward", buffer(probabilities, "softmaxCrossEntropyBackward probabilities", null, size));
        ClBuffer tb = buffer(targets, "softmaxCrossEntropyBackward targets", pb.dtype(), size);
        ClBuffer gb = buffer(gradLosses, "softmaxCrossEntropyBackward gradLosses", pb.dtype(), rows);
        ClBuffer ob = buffer(gradLogits, "softmaxCrossEntropyBackward gradLogits", pb.dtype(), size);
        launch(pb.dtype(), KernelFamily.SOFTMAX, "softmax_cross_entropy_backward", () -> rows + "x" + cols)
                .integer(rows).integer(cols).buffer(pb).buffer(tb).buffer(gb).buffer(ob).run(queue(), rows);
    }

    @Override
    public void oneHot(int rows, int classes, Buffer indices, Buffer out) {
        checkRows("oneHot", rows, classes);
        ClBuffer ib = indices("oneHot", buffer(indices, "oneHot indices", null, rows));
        ClBuffer ob = real("oneHot", buffer(out, "oneHot out", null, (long) rows * classes));
        launch(ob.dtype(), KernelFamily.REDUCE, "one_hot", () -> rows + " rows, " + classes + " classes")
                .unsignedLong((long) rows * classes).integer(classes).buffer(ib).buffer(ob)
                .run(queue(), (long) rows * classes);
    }

    private static void checkRows(String method, int rows, int cols) {
        if (rows < 0 || cols < 1) {
            throw new KilnException(method + ": expected rows >= 0 and columns >= 1, got " + rows + "x" + cols);
        }
    }

    // ---- training ----

    @Override
    public void update(UpdateRule rule, UpdateParameters parameters, Buffer param, Buffer grad, Buffer... states) {
        if (states.length != rule.stateCount()) {
            throw new KilnException("update " + rule + ": expected " + rule.stateCount() + " state buffer(s), got " + states.length);
        }
        if ((rule == UpdateRule.ADAM || rule == UpdateRule.ADAMW) && parameters.step() < 1) {
            throw new KilnException("update " + rule + ": step must be at least 1, got " + parameters.step());
        }
        ClBuffer pb = real("update " + rule, buffer(param, rule + " param", null, 0));
        long n = pb.length();
        KernelLaunch launch = launch(pb.dtype(), KernelFamily.OPTIM, "update_" + lower(rule), () -> n + " elements")
                .unsignedLong(n).real(parameters.learningRate()).real(parameters.beta1()).real(parameters.beta2())
                .real(parameters.epsilon()).real(parameters.weightDecay())
                .real(1 - Math.pow(parameters.beta1(), parameters.step()))
                .real(1 - Math.pow(parameters.beta2(), parameters.step()))
                .buffer(pb).buffer(buffer(grad, rule + " grad", pb.dtype(), n));
        for (int s = 0; s < states.length; s++) {
            launch.buffer(buffer(states[s], rule + " state " + s, pb.dtype(), n));
        }
        launch.run(queue(), n);
    }

    @Override
    public void random(Distribution distribution, long seed, long offset, double a, double b, Buffer out) {
        ClBuffer ob = real("random " + distribution, buffer(out, distribution + " out", null, 0));
        KernelLaunch launch = launch(ob.dtype(), KernelFamily.RANDOM, "random_" + lower(distribution),
                () -> ob.length() + " elements, seed=" + seed + ", offset=" + offset)
                .unsignedLong(ob.length()).unsignedLong(offset).unsigned(seed & 0xFFFFFFFFL).unsigned(seed >>> 32);
        switch (distribution) {
            case UNIFORM, NORMAL -> launch.real(a).real(b);
            case BERNOULLI -> launch.unsigned(bernoulliThreshold(ob.dtype() == DType.F64 ? a : (float) a));
        }
        launch.buffer(ob).run(queue(), ob.length());
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
        cl_kernel kernel = kernels.computeIfAbsent(dtype, d -> new HashMap<>()).get(name);
        if (kernel == null) {
            kernel = programs.kernel(source(dtype, family), name);
            kernels.get(dtype).put(name, kernel);
        }
        return new KernelLaunch(kernel, name, dtype, shapes);
    }

    /** Compiles every kernel family for {@code dtype} now (I32 has no programs of its own), so that a device that cannot build them fails at once. */
    public void prepare(DType dtype) {
        requireSupported(dtype);
        if (!dtype.isReal()) {
            return;
        }
        for (KernelFamily family : KernelFamily.values()) {
            programs.program(source(dtype, family));
        }
    }

    /** The program text of {@code family} for {@code dtype} with this device's tuning. */
    ProgramSource source(DType dtype, KernelFamily family) {
        return sources.computeIfAbsent(dtype, d -> new EnumMap<>(KernelFamily.class)).computeIfAbsent(family, f -> {
            Map<String, String> defines = new HashMap<>();
            defines.put("PRECISION", dtype == DType.F64 ? "64" : "32");
            if (f == KernelFamily.GEMM) {
                defines.putAll(gemmTuning(dtype).defines());
            }
            if (f == KernelFamily.REDUCE) {
                defines.put("RWG", Integer.toString(ROW_GROUP));
            }
            return ProgramSource.of(f, dtype.name(), defines);
        });
    }

    GemmTuning gemmTuning(DType dtype) {
        return gemmTunings.computeIfAbsent(dtype, d -> TuningTable.gemm(context.device(), d));
    }

    /** Replaces the gemm tuning for {@code dtype}; for tests and benchmarks of the other variants. */
    void overrideGemmTuning(DType dtype, GemmTuning tuning) {
        gemmTunings.put(dtype, tuning);
        if (sources.containsKey(dtype)) {
            sources.get(dtype).remove(KernelFamily.GEMM);
        }
        kernels.getOrDefault(dtype, new HashMap<>()).keySet().removeIf(name -> name.startsWith("gemm_"));
    }

    ProgramCache programs() {
        return programs;
    }

    /** A temporary buffer for a kernel launcher, returned with {@link #free}. */
    ClBuffer scratch(DType dtype, long length) {
        ClBuffer buffer = newBuffer(dtype, length, "gemm scratch " + dtype + "[" + length + "]");
        live.add(buffer);
        return buffer;
    }

    private ClBuffer newBuffer(DType dtype, long length, String what) {
        long bytes = Math.max(1, length) * dtype.bytes();
        long[] capacity = new long[1];
        cl_mem memory = pool.acquire(bytes, capacity, what);
        return new ClBuffer(this, dtype, length, memory, capacity[0]);
    }

    /** Checks that {@code buffer} is a live buffer of this backend, of {@code dtype} (any when null), of at least {@code minLength}. */
    private ClBuffer buffer(Buffer buffer, String role, DType dtype, long minLength) {
        checkOpen();
        if (buffer == null) {
            throw new KilnException(role + ": buffer is null");
        }
        if (!(buffer instanceof ClBuffer cl) || cl.backend() != this) {
            throw new KilnException(role + ": buffer belongs to backend '" + buffer.backend().name()
                    + "', not to this OpenCL backend on " + device().name());
        }
        if (cl.isFreed()) {
            throw new KilnException(role + ": buffer " + cl + " was already freed");
        }
        if (dtype != null && cl.dtype() != dtype) {
            throw new KilnException(role + ": expected a " + dtype + " buffer, got " + cl);
        }
        requireSupported(cl.dtype());
        if (cl.length() < minLength) {
            throw new KilnException(role + ": buffer " + cl + " is shorter than the " + minLength + " elements needed");
        }
        return cl;
    }

    /** Returns {@code buffer} when it is F32 or F64: I32 buffers hold indices, which no arithmetic reads. */
    private static ClBuffer real(String method, ClBuffer buffer) {
        if (!buffer.dtype().isReal()) {
            throw new KilnException(method + ": got an " + buffer.dtype() + " buffer; " + method
                    + " computes on F32 or F64 only (I32 buffers hold indices)");
        }
        return buffer;
    }

    /** Returns {@code buffer} when it is an I32 buffer of indices. */
    private static ClBuffer indices(String method, ClBuffer buffer) {
        if (buffer.dtype() != DType.I32) {
            throw new KilnException(method + ": indices are an " + buffer.dtype() + " buffer; they must be I32"
                    + " (convert class labels and ids to int where the data enters)");
        }
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
            throw new KilnException("the OpenCL backend on " + context.device().info().name() + " is closed");
        }
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "opencl on " + device().name();
    }
}
