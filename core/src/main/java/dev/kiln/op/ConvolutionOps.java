package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.Window2d;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Convolutions and pooling over channels-last images {@code [batch, height, width, channels]}. A convolution is
 * {@link Backend#im2col} followed by one gemm with the kernel {@code [kernel_h, kernel_w, in, out]} (Keras's layout,
 * which read as a matrix is [kernel_h * kernel_w * in, out]), recorded as one node whose gradients are the two
 * transposed gemms and {@link Backend#col2im}. A 1x1 convolution without stride multiplies the images directly.
 * Pooling runs on its own kernels, which record the arg-max for the backward pass. Every op returns a tensor that
 * owns its buffer.
 */
public final class ConvolutionOps {
    private ConvolutionOps() {
    }

    /**
     * The column matrix of {@code window} over {@code images}: [batch * outHeight * outWidth, kernel_h * kernel_w *
     * channels]; its gradient is {@link Backend#col2im}.
     */
    public static Tensor im2col(Tensor images, Window2d window) {
        checkImages("im2col", images, window);
        Tensor columns = Tensor.empty(images.backend(), images.dtype(),
                Shape.of(window.columnRows(), window.columnWidth()));
        images.backend().im2col(window, images.buffer(), columns.buffer());
        return Ops.record(columns, "im2col", g -> new Tensor[] {col2im(g, window)}, images);
    }

    /**
     * Folds a column matrix back into images [batch, height, width, channels], summing the entries that read the same
     * pixel (the adjoint of {@link #im2col}); its gradient is {@link #im2col}.
     */
    public static Tensor col2im(Tensor columns, Window2d window) {
        Shape expected = Shape.of(window.columnRows(), window.columnWidth());
        if (!columns.shape().equals(expected)) {
            throw new KilnException("col2im: expected columns " + expected + " for " + window + ", got "
                    + columns.shape());
        }
        Tensor images = Tensor.empty(columns.backend(), columns.dtype(),
                Shape.of(window.batch(), window.height(), window.width(), window.channels()));
        columns.backend().col2im(window, columns.buffer(), images.buffer());
        return Ops.record(images, "col2im", g -> new Tensor[] {im2col(g, window)}, columns);
    }

    /**
     * A 2-D convolution (a cross-correlation, as in every framework) of {@code images} [batch, height, width, in]
     * with {@code kernel} [kernel_h, kernel_w, in, out]: [batch, outHeight, outWidth, out].
     */
    public static Tensor conv2d(Tensor images, Tensor kernel, WindowOptions options) {
        Ops.checkCompatible("conv2d", images, kernel);
        if (kernel.rank() != 4) {
            throw new KilnException("conv2d: expected a kernel [kernel_h, kernel_w, in, out], got shape "
                    + kernel.shape());
        }
        int kernelHeight = kernel.shape().dim(0);
        int kernelWidth = kernel.shape().dim(1);
        int in = kernel.shape().dim(2);
        int out = kernel.shape().dim(3);
        if (images.rank() == 4 && images.shape().dim(3) != in) {
            throw new KilnException("conv2d: images " + images.shape() + " have " + images.shape().dim(3)
                    + " channels, the kernel " + kernel.shape() + " expects " + in);
        }
        Window2d window = options.over("conv2d", images.shape(), kernelHeight, kernelWidth);
        Backend backend = images.backend();
        boolean identity = options.isIdentity(kernelHeight, kernelWidth);
        Tensor columns = identity ? images : unfold(images, window);
        Tensor y = Tensor.empty(backend, images.dtype(),
                Shape.of(window.batch(), window.outHeight(), window.outWidth(), out));
        backend.gemm(false, false, window.columnRows(), out, window.columnWidth(), 1, columns.buffer(),
                kernel.buffer(), 0, y.buffer());
        Ops.record(y, "conv2d", g -> new Tensor[] {
            images.requiresGrad() ? convolutionInputGradient(g, kernel, images.shape(), window, identity) : null,
            kernel.requiresGrad() ? convolutionKernelGradient(g, columns, kernel.shape(), window, out) : null},
            images, kernel);
        if (y.node() == null && !identity) {
            columns.close(); // no backward pass will need the columns: free them now, not at the end of the scope
        }
        return y;
    }

    /** The columns of {@code window} over {@code images}, recording nothing (conv2d records one node for it all). */
    private static Tensor unfold(Tensor images, Window2d window) {
        Tensor columns = Tensor.empty(images.backend(), images.dtype(),
                Shape.of(window.columnRows(), window.columnWidth()));
        images.backend().im2col(window, images.buffer(), columns.buffer());
        return columns;
    }

    /** d images = col2im(g [rows, out] · kernel^T), or the product alone for a 1x1 convolution without stride. */
    private static Tensor convolutionInputGradient(Tensor g, Tensor kernel, Shape images, Window2d window,
                                                   boolean identity) {
        Backend backend = g.backend();
        int rows = window.columnRows();
        int width = window.columnWidth();
        int out = kernel.shape().dim(3);
        Tensor gradient = Tensor.empty(backend, g.dtype(), images);
        if (identity) {
            backend.gemm(false, true, rows, width, out, 1, g.buffer(), kernel.buffer(), 0, gradient.buffer());
            return gradient;
        }
        try (Tensor columns = Tensor.empty(backend, g.dtype(), Shape.of(rows, width))) {
            backend.gemm(false, true, rows, width, out, 1, g.buffer(), kernel.buffer(), 0, columns.buffer());
            backend.col2im(window, columns.buffer(), gradient.buffer());
        }
        return gradient;
    }

    /** d kernel = columns^T · g, the columns [rows, kh * kw * in] and g [rows, out]. */
    private static Tensor convolutionKernelGradient(Tensor g, Tensor columns, Shape kernel, Window2d window, int out) {
        Tensor gradient = Tensor.empty(g.backend(), g.dtype(), kernel);
        g.backend().gemm(true, false, window.columnWidth(), out, window.columnRows(), 1, columns.buffer(), g.buffer(),
                0, gradient.buffer());
        return gradient;
    }

    /**
     * The transposed convolution (the gradient of {@link #conv2d} with respect to its input, used to up-sample) of
     * {@code images} [batch, height, width, in] with {@code kernel} [kernel_h, kernel_w, out, in], Keras's layout:
     * [batch, outHeight, outWidth, out], where an output axis is {@code size * stride + max(extent - stride, 0)}
     * for valid padding, {@code size * stride} for same padding and {@code (size - 1) * stride + extent - padding}
     * for explicit padding.
     */
    public static Tensor conv2dTranspose(Tensor images, Tensor kernel, WindowOptions options) {
        Ops.checkCompatible("conv2d_transpose", images, kernel);
        if (images.rank() != 4 || kernel.rank() != 4) {
            throw new KilnException("conv2d_transpose: expected images [batch, height, width, in] and a kernel"
                    + " [kernel_h, kernel_w, out, in], got shapes " + images.shape() + " and " + kernel.shape());
        }
        int in = kernel.shape().dim(3);
        if (images.shape().dim(3) != in) {
            throw new KilnException("conv2d_transpose: images " + images.shape() + " have " + images.shape().dim(3)
                    + " channels, the kernel " + kernel.shape() + " expects " + in);
        }
        Window2d window = transposedWindow(images.shape(), kernel.shape(), options);
        int pixels = window.outHeight() * window.outWidth() * window.batch();
        Tensor columns = Ops.matmul(Ops.reshape(images, Shape.of(pixels, in)),
                Ops.reshape(kernel, Shape.of(window.columnWidth(), in)), false, true);
        Tensor out = col2im(columns, window);
        if (out.node() == null) {
            columns.close(); // kept only as the input of col2im's node, for a backward pass
        }
        return out;
    }

    /**
     * The window of a transposed convolution of images [batch, height, width, in] with a kernel [kernel_h, kernel_w,
     * out, in]: its images are the output [batch, outHeight, outWidth, out], and it has one position per input pixel.
     */
    public static Window2d transposedWindow(Shape images, Shape kernel, WindowOptions options) {
        int[] rows = transposedAxis(images.dim(1), kernel.dim(0), options.strideHeight(), options.dilationHeight(),
                options.padding(), true);
        int[] columns = transposedAxis(images.dim(2), kernel.dim(1), options.strideWidth(), options.dilationWidth(),
                options.padding(), false);
        try {
            return new Window2d(images.dim(0), rows[0], columns[0], kernel.dim(2), kernel.dim(0), kernel.dim(1),
                    options.strideHeight(), options.strideWidth(), options.dilationHeight(), options.dilationWidth(),
                    rows[1], columns[1], images.dim(1), images.dim(2));
        } catch (KilnException e) {
            throw new KilnException("conv2d_transpose: images " + images + ", kernel " + kernel + ", padding "
                    + options.padding() + ": " + e.getMessage(), e);
        }
    }

    /** {output size, padding before} of one axis of a transposed convolution. */
    private static int[] transposedAxis(int size, int kernel, int stride, int dilation, Padding2d padding,
                                        boolean vertical) {
        long extent = (long) dilation * (kernel - 1) + 1;
        if (padding.equals(Padding2d.VALID)) {
            return new int[] {Math.toIntExact((long) size * stride + Math.max(extent - stride, 0)), 0};
        }
        if (padding.isSame()) {
            long out = (long) size * stride;
            long total = Math.max((size - 1L) * stride + extent - out, 0);
            return new int[] {Math.toIntExact(out), (int) (total / 2)};
        }
        int[] pads = padding.along(vertical, size, kernel, stride, dilation);
        long out = (size - 1L) * stride + extent - pads[0] - pads[1];
        if (out < 1) {
            throw new KilnException("conv2d_transpose: padding " + padding + " leaves no output of an axis of " + size
                    + " with kernel " + kernel + " and stride " + stride);
        }
        return new int[] {Math.toIntExact(out), pads[0]};
    }

    /**
     * Max pooling of {@code images} [batch, height, width, channels] over {@code poolHeight x poolWidth} windows; the
     * padding is never chosen; the gradient goes to the first largest value of each window.
     */
    public static Tensor maxPool2d(Tensor images, int poolHeight, int poolWidth, WindowOptions options) {
        Window2d window = poolingWindow("max_pool2d", images, poolHeight, poolWidth, options);
        Backend backend = images.backend();
        Tensor out = Tensor.empty(backend, images.dtype(), pooledShape(window));
        Tensor argmax = Tensor.empty(backend, DType.I32, pooledShape(window));
        backend.maxPool(window, images.buffer(), out.buffer(), argmax.buffer());
        Ops.record(out, "max_pool2d", g -> {
            Tensor grad = Tensor.empty(backend, g.dtype(), images.shape());
            backend.maxPoolBackward(window, g.buffer(), argmax.buffer(), grad.buffer());
            return new Tensor[] {grad};
        }, images);
        if (out.node() == null) {
            argmax.close(); // no backward pass will route through it
        }
        return out;
    }

    /**
     * Average pooling of {@code images} [batch, height, width, channels] over {@code poolHeight x poolWidth} windows;
     * each window averages its taps inside the image (padding is not counted, as in Keras).
     */
    public static Tensor avgPool2d(Tensor images, int poolHeight, int poolWidth, WindowOptions options) {
        Window2d window = poolingWindow("avg_pool2d", images, poolHeight, poolWidth, options);
        Backend backend = images.backend();
        Tensor out = Tensor.empty(backend, images.dtype(), pooledShape(window));
        backend.avgPool(window, images.buffer(), out.buffer());
        return Ops.record(out, "avg_pool2d", g -> {
            Tensor grad = Tensor.empty(backend, g.dtype(), images.shape());
            backend.avgPoolBackward(window, g.buffer(), grad.buffer());
            return new Tensor[] {grad};
        }, images);
    }

    /**
     * Nearest-neighbour up-sampling: every pixel of {@code images} [batch, height, width, channels] repeated into a
     * {@code rows x columns} block, [batch, height * rows, width * columns, channels].
     */
    public static Tensor upSampling2d(Tensor images, int rows, int columns) {
        if (images.rank() != 4 || rows < 1 || columns < 1) {
            throw new KilnException("up_sampling2d: expected images [batch, height, width, channels] and factors of at"
                    + " least 1, got shape " + images.shape() + " and factors " + rows + "x" + columns);
        }
        int batch = images.shape().dim(0);
        int height = images.shape().dim(1);
        int width = images.shape().dim(2);
        int channels = images.shape().dim(3);
        if ((long) height * rows > Integer.MAX_VALUE || (long) width * columns * channels > Integer.MAX_VALUE
                || images.size() * rows * columns > Integer.MAX_VALUE) {
            throw new KilnException("up_sampling2d: images " + images.shape() + " up-sampled " + rows + "x" + columns
                    + " exceed " + Integer.MAX_VALUE + " elements");
        }
        Backend backend = images.backend();
        int row = width * columns * channels;
        Tensor out = Tensor.empty(backend, images.dtype(), Shape.of(batch, height * rows, width * columns, channels));
        // Each pixel is copied once per column of its block, then each widened image row once per row of it.
        try (Tensor wide = Tensor.empty(backend, images.dtype(), Shape.of(batch * height, row))) {
            for (int c = 0; c < columns; c++) {
                backend.copyBlocks(batch * height * width, channels, images.buffer(), 0, channels, wide.buffer(),
                        (long) c * channels, (long) columns * channels);
            }
            for (int r = 0; r < rows; r++) {
                backend.copyBlocks(batch * height, row, wide.buffer(), 0, row, out.buffer(), (long) r * row,
                        (long) rows * row);
            }
        }
        return Ops.record(out, "up_sampling2d", g -> {
            Tensor gradient = Tensor.empty(backend, g.dtype(), images.shape());
            try (Tensor tall = Tensor.empty(backend, g.dtype(), Shape.of(batch * height, row))) {
                backend.reduce(ReduceOp.SUM, batch * height, rows, row, g.buffer(), tall.buffer());
                backend.reduce(ReduceOp.SUM, batch * height * width, columns, channels, tall.buffer(),
                        gradient.buffer());
            }
            return new Tensor[] {gradient};
        }, images);
    }

    private static Window2d poolingWindow(String op, Tensor images, int poolHeight, int poolWidth,
                                          WindowOptions options) {
        if (!images.dtype().isReal()) {
            throw new KilnException(op + ": expected F32 or F64 images, got " + images.dtype());
        }
        if (poolHeight < 1 || poolWidth < 1) {
            throw new KilnException(op + ": the pool size must be at least 1x1, got " + poolHeight + "x" + poolWidth);
        }
        if (options.dilationHeight() != 1 || options.dilationWidth() != 1) {
            throw new KilnException(op + ": pooling windows have no dilation, got " + options.dilationHeight() + "x"
                    + options.dilationWidth());
        }
        return options.over(op, images.shape(), poolHeight, poolWidth);
    }

    private static Shape pooledShape(Window2d window) {
        return Shape.of(window.batch(), window.outHeight(), window.outWidth(), window.channels());
    }

    private static void checkImages(String op, Tensor images, Window2d window) {
        Shape expected = Shape.of(window.batch(), window.height(), window.width(), window.channels());
        if (!images.shape().equals(expected)) {
            throw new KilnException(op + ": expected images " + expected + " for " + window + ", got shape "
                    + images.shape());
        }
    }
}
