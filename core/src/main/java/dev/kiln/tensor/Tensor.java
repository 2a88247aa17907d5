package dev.kiln.tensor;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendClosedException;
import dev.kiln.backend.BackendLock;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.PendingDownload;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An n-dimensional array on one backend's device, with an optional gradient. A tensor owns its buffer
 * (views created by {@link #view} share their base's) and belongs to the {@link MemoryScope} open when it
 * was created, or to the caller. A computed tensor keeps the {@link Node} that recorded it (the ops of
 * {@code dev.kiln.op} record themselves while gradients are enabled and an input {@link #requiresGrad()}), and
 * {@code dev.kiln.autograd.Autograd} walks those nodes back. Tensors know neither the ops nor the sweep, so the
 * packages form a chain: tensor, then autograd, then op. Creating a tensor from host values, reading it back and
 * closing it hold the backend's {@link Backend#lock()}, so they are safe from any thread; a tensor itself is not
 * shared between threads that change it.
 */
public final class Tensor implements AutoCloseable {
    /** How many tensors were created so far, in this JVM: each tensor's number, for telling when it was made. */
    private static final AtomicLong CREATED = new AtomicLong();

    private final long creation = CREATED.getAndIncrement();
    private final Backend backend;
    private final Shape shape;
    private final DType dtype;
    private final Buffer buffer;
    private final boolean ownsBuffer;
    private MemoryScope scope;
    private boolean requiresGrad;
    private Node node;
    private Tensor softmaxLogits;
    private Tensor timeMask;
    private Tensor grad;
    /** The gradient buffer holds stale values that stand for zero: the next accumulation overwrites them. */
    private boolean gradZeroed;
    private String name;

    private Tensor(Backend backend, Shape shape, Buffer buffer, boolean ownsBuffer) {
        if (buffer.length() != shape.size()) {
            throw new IllegalArgumentException("buffer of " + buffer.length() + " elements for shape " + shape);
        }
        this.backend = backend;
        this.shape = shape;
        this.dtype = buffer.dtype();
        this.buffer = buffer;
        this.ownsBuffer = ownsBuffer;
        this.scope = MemoryScope.current();
        if (scope != null) {
            scope.adopt(this);
        }
    }

    // ---- creation ----

    /** A new tensor whose contents are unspecified. */
    public static Tensor empty(Backend backend, DType dtype, Shape shape) {
        if (!backend.supports(dtype)) {
            throw new KilnException("backend '" + backend.name() + "' on " + backend.device().name()
                    + " does not support " + dtype);
        }
        return BackendLock.holding(backend, () -> new Tensor(backend, shape, backend.allocate(dtype, Math.max(shape.size(), 0)),
                true));
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(Backend backend, DType dtype, Shape shape, double value) {
        return BackendLock.holding(backend, () -> {
            Tensor t = empty(backend, dtype, shape);
            backend.fill(t.buffer, value);
            return t;
        });
    }

    public static Tensor zeros(Backend backend, DType dtype, Shape shape) {
        return full(backend, dtype, shape, 0);
    }

    /** An F32 tensor holding {@code data} (row-major). */
    public static Tensor of(Backend backend, Shape shape, float... data) {
        checkLength(shape, data.length);
        return BackendLock.holding(backend, () -> {
            Tensor t = empty(backend, DType.F32, shape);
            backend.upload(data, t.buffer);
            return t;
        });
    }

    /** An F64 tensor holding {@code data} (row-major). */
    public static Tensor of(Backend backend, Shape shape, double... data) {
        checkLength(shape, data.length);
        return BackendLock.holding(backend, () -> {
            Tensor t = empty(backend, DType.F64, shape);
            backend.upload(data, t.buffer);
            return t;
        });
    }

    /** An I32 tensor of indices (class labels, embedding ids) holding {@code data} (row-major). */
    public static Tensor of(Backend backend, Shape shape, int... data) {
        checkLength(shape, data.length);
        return BackendLock.holding(backend, () -> {
            Tensor t = empty(backend, DType.I32, shape);
            backend.upload(data, t.buffer);
            return t;
        });
    }

    /**
     * A tensor of {@code dtype} holding {@code data} (row-major), converted as needed; for I32 every value must be
     * a whole number in the int range.
     */
    public static Tensor of(Backend backend, DType dtype, Shape shape, double... data) {
        if (dtype == DType.F64) {
            return of(backend, shape, data);
        }
        if (dtype == DType.I32) {
            int[] ints = new int[data.length];
            for (int i = 0; i < data.length; i++) {
                ints[i] = wholeNumber(data[i], i);
            }
            return of(backend, shape, ints);
        }
        float[] f = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            f[i] = (float) data[i];
        }
        return of(backend, shape, f);
    }

    /** A [rows, cols] tensor of {@code dtype} from a rectangular array. */
    public static Tensor fromRows(Backend backend, DType dtype, double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        double[] flat = new double[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values, expected " + cols);
            }
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return of(backend, dtype, Shape.of(rows.length, cols), flat);
    }

    /** Wraps a buffer this tensor will own; for ops and backends. */
    public static Tensor wrap(Backend backend, Shape shape, Buffer buffer) {
        return new Tensor(backend, shape, buffer, true);
    }

    private static int wholeNumber(double value, int position) {
        if (value != Math.rint(value) || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new KilnException("value " + value + " at position " + position + " is not a whole number in the"
                    + " int range, so it cannot be an I32 index");
        }
        return (int) value;
    }

    private static void checkLength(Shape shape, int length) {
        if (shape.size() != length) {
            throw new KilnException("shape " + shape + " needs " + shape.size() + " values, got " + length);
        }
    }

    // ---- properties ----

    public Backend backend() {
        return backend;
    }

    public Shape shape() {
        return shape;
    }

    public DType dtype() {
        return dtype;
    }

    /** The device buffer; for ops and backends. */
    public Buffer buffer() {
        checkLive();
        return buffer;
    }

    public long size() {
        return shape.size();
    }

    public int rank() {
        return shape.rank();
    }

    public String name() {
        return name;
    }

    public Tensor named(String name) {
        this.name = name;
        return this;
    }

    MemoryScope scope() {
        return scope;
    }

    void setScope(MemoryScope scope) {
        this.scope = scope;
    }

    /** Whether the buffer has been released. */
    public boolean isClosed() {
        return buffer.isFreed();
    }

    // ---- host access ----

    /** The values as floats (waits for pending work). */
    public float[] toFloatArray() {
        return BackendLock.holding(backend, this::readFloats);
    }

    private float[] readFloats() {
        checkLive();
        float[] out = new float[Math.toIntExact(size())];
        if (dtype == DType.F32) {
            backend.download(buffer, out);
        } else if (dtype == DType.I32) {
            int[] ints = readInts();
            for (int i = 0; i < ints.length; i++) {
                out[i] = ints[i];
            }
        } else {
            double[] d = new double[out.length];
            backend.download(buffer, d);
            for (int i = 0; i < d.length; i++) {
                out[i] = (float) d[i];
            }
        }
        return out;
    }

    /** The values as doubles (waits for pending work). */
    public double[] toDoubleArray() {
        return BackendLock.holding(backend, this::readDoubles);
    }

    private double[] readDoubles() {
        checkLive();
        double[] out = new double[Math.toIntExact(size())];
        if (dtype == DType.F64) {
            backend.download(buffer, out);
        } else if (dtype == DType.I32) {
            int[] ints = readInts();
            for (int i = 0; i < ints.length; i++) {
                out[i] = ints[i];
            }
        } else {
            float[] f = new float[out.length];
            backend.download(buffer, f);
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
        }
        return out;
    }

    /** The values of an I32 tensor (waits for pending work); a real tensor is refused rather than rounded. */
    public int[] toIntArray() {
        return BackendLock.holding(backend, this::readInts);
    }

    private int[] readInts() {
        checkLive();
        if (dtype != DType.I32) {
            throw new KilnException("toIntArray() needs an I32 tensor, got " + dtype + " " + shape
                    + "; read real values with toFloatArray() or toDoubleArray()");
        }
        int[] out = new int[Math.toIntExact(size())];
        backend.download(buffer, out);
        return out;
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (size() != 1) {
            throw new KilnException("item() needs a tensor of one element, got shape " + shape);
        }
        return toDoubleArray()[0];
    }

    /**
     * The value of a one-element real tensor, read without waiting for it: the calls issued after this one run on
     * while the host does other work, and {@link PendingDownload#await} returns the value as it is now.
     */
    public PendingDownload itemLater() {
        if (size() != 1) {
            throw new KilnException("itemLater() needs a tensor of one element, got shape " + shape);
        }
        if (!dtype.isReal()) {
            throw new KilnException("itemLater() needs a real tensor, got " + dtype + "; item() reads it");
        }
        return BackendLock.holding(backend, () -> {
            checkLive();
            return backend.downloadLater(buffer, 1);
        });
    }

    // ---- autograd ----

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor whose gradient back-propagation accumulates into {@link #grad()}; only real tensors. */
    public Tensor requiresGrad(boolean value) {
        if (value && !dtype.isReal()) {
            throw new KilnException("an " + dtype + " tensor holds indices and cannot require gradients");
        }
        if (node != null && !value) {
            throw new KilnException("cannot stop gradients of a computed tensor; use it under GradMode.disabled()");
        }
        this.requiresGrad = value;
        return this;
    }

    /**
     * The logits this tensor is the softmax of, along the last axis, or null: a typed fact that lets a
     * cross-entropy on these probabilities take the fused, stable path from the logits (Keras keeps the same).
     */
    public Tensor softmaxLogits() {
        return softmaxLogits == null || softmaxLogits.isClosed() ? null : softmaxLogits;
    }

    /** Records that this tensor is softmax({@code logits}) along the last axis; for the softmax op. */
    public Tensor fromSoftmaxOf(Tensor logits) {
        this.softmaxLogits = logits;
        return this;
    }

    /**
     * The time-step mask of a batch of sequences this tensor holds: [batch, time] of 1 for a real step and 0 for
     * padding, or null. Layers attach it (an {@code Embedding} with {@code maskZero}) and pass it on along the graph,
     * as Keras does, so that recurrent and attention layers skip the padding.
     */
    public Tensor mask() {
        return timeMask == null || timeMask.isClosed() ? null : timeMask;
    }

    /** Attaches the time-step {@code mask} [batch, time] (or null for none) to this tensor; for layers. */
    public Tensor withMask(Tensor mask) {
        if (mask != null && (mask.rank() != 2 || rank() < 2 || mask.shape.dim(0) != shape.dim(0)
                || mask.shape.dim(1) != shape.dim(1))) {
            throw new KilnException("a time-step mask must be [batch, time] of a tensor [batch, time, ...], got mask "
                    + mask.shape + " for a tensor " + shape);
        }
        this.timeMask = mask;
        return this;
    }

    /** The operation that computed this tensor, or null for a leaf. */
    public Node node() {
        return node;
    }

    /** Records the operation that computed this tensor; for ops. */
    public void setNode(Node node) {
        this.node = node;
        this.requiresGrad = true;
    }

    /** Whether a gradient was accumulated since the last {@link #zeroGrad()} (zeroed gradients count as none). */
    public boolean hasGradient() {
        return grad != null && !gradZeroed;
    }

    /**
     * Accumulated gradient of a leaf, or null before the first back-propagation. After {@link #zeroGrad()} the next
     * back-propagation may replace it by the tensor it made (freeing this one): read it each step, do not keep it.
     */
    public Tensor grad() {
        if (gradZeroed) {
            backend.fill(grad.buffer, 0);
            gradZeroed = false;
        }
        return grad;
    }

    /** grad += g; the gradient buffer belongs to this tensor and is freed with it. */
    public void accumulateGrad(Tensor g) {
        accumulateGrad(g, false);
    }

    /**
     * grad += g; with {@code handOver} (a gradient no one else holds or will read, owning its buffer), a gradient
     * that stands for zero becomes g itself, which this tensor then owns, instead of a copy of it.
     */
    public void accumulateGrad(Tensor g, boolean handOver) {
        if (!g.shape.equals(shape)) {
            throw new KilnException("gradient of shape " + g.shape + " for tensor of shape " + shape);
        }
        boolean adoptable = handOver && g.ownsBuffer && g.backend == backend && g.dtype == dtype && g.node == null;
        if ((grad == null || gradZeroed) && adoptable) {
            if (grad != null) {
                grad.close();
            }
            grad = g.keep();
            gradZeroed = false;
        } else if (grad == null || gradZeroed) {
            if (grad == null) {
                grad = empty(backend, dtype, shape).keep();
            }
            backend.copy(g.buffer(), 0, grad.buffer, 0, size());
            gradZeroed = false;
        } else {
            backend.binary(BinaryOp.ADD, Broadcast.same(size()), grad.buffer, g.buffer(), grad.buffer);
        }
    }

    /** Sets the accumulated gradient to zero (keeping its buffer); the zeros are written only when read. */
    public void zeroGrad() {
        gradZeroed = grad != null;
    }

    // ---- ownership ----

    /** Takes this tensor out of its memory scope: the caller (or a model) now owns it. */
    public Tensor keep() {
        if (scope != null) {
            scope.release(this);
            scope = null;
        }
        return this;
    }

    /** Frees the buffer (a view frees nothing) and the gradient; closing twice does nothing. */
    @Override
    public void close() {
        BackendLock.holding(backend, () -> {
            release();
            return null;
        });
    }

    private void release() {
        if (scope != null) {
            scope.release(this);
            scope = null;
        }
        if (ownsBuffer && !buffer.isFreed()) {
            backend.free(buffer);
        }
        if (grad != null) {
            grad.close();
            grad = null;
            gradZeroed = false;
        }
        node = null;
    }

    private void checkLive() {
        if (backend.isClosed()) {
            throw new BackendClosedException(backend, "tensor " + (name == null ? "" : "'" + name + "' ") + shape);
        }
        if (buffer.isFreed()) {
            throw new KilnException("tensor " + (name == null ? "" : "'" + name + "' ") + shape
                    + " was used after its memory was released (closed, or its memory scope ended)");
        }
    }

    /** The number of tensors created in this JVM before this one. */
    public long creation() {
        return creation;
    }

    /** The number the next tensor created will get: tensors with {@link #creation()} at least this are newer. */
    public static long nextCreation() {
        return CREATED.get();
    }

    /** Whether this tensor frees its own buffer when closed (a view does not). */
    public boolean ownsBuffer() {
        return ownsBuffer;
    }

    // ---- views ----

    /**
     * The same data seen with another shape of the same size, sharing this tensor's buffer; for ops. Not recorded
     * for gradients: {@code Ops.reshape} is the differentiable reshape.
     */
    public Tensor view(Shape newShape) {
        if (newShape.size() != shape.size()) {
            throw new KilnException("cannot reshape " + shape + " (" + shape.size() + " elements) to " + newShape
                    + " (" + newShape.size() + " elements)");
        }
        return new Tensor(backend, newShape, buffer(), false);
    }

    @Override
    public String toString() {
        return "Tensor" + shape + " " + dtype + " on " + backend.name() + (name == null ? "" : " '" + name + "'");
    }
}
