package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.backend.Window2d;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Convolutions and pooling over channels-last images {@code [batch, height, width, channels]}. A convolution is
 * {@link Backend#im2col} followed by one gemm with the kernel {@code [kernel_h, kernel_w, in, out]} (Keras's layout,
 * which read as a matrix is [kernel_h * kernel_w * in, out]); its gradients are the two transposed gemms and
 * {@link Backend#col2im}. A 1x1 convolution without stride multiplies the images directly. Pooling runs on its own
 * kernels, which record the arg-max for the backward pass.
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
        Tensor weights = Ops.reshape(kernel, Shape.of(window.columnWidth(), out));
        Tensor product;
        if (options.isIdentity(kernelHeight, kernelWidth)) {
            product = Ops.matmul(Ops.reshape(images, Shape.of(window.columnRows(), in)), weights);
        } else {
            Tensor columns = im2col(images, window);
            product = Ops.matmul(columns, weights);
            if (product.node() == null) {
                columns.close(); // nothing will read the columns again: free them now, not at the end of the scope
            }
        }
        return Ops.reshape(product, Shape.of(window.batch(), window.outHeight(), window.outWidth(), out));
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
            columns.close(); // only a backward pass reads the columns
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
        // Two broadcasts against zeros repeat each pixel along the width, then each image row down the height.
        Tensor x = Ops.reshape(images, Shape.of(batch * height * width, 1, channels));
        try (Tensor across = Tensor.zeros(images.backend(), images.dtype(), Shape.of(1, columns, 1));
             Tensor down = Tensor.zeros(images.backend(), images.dtype(), Shape.of(1, rows, 1))) {
            Tensor wide = Ops.reshape(Ops.add(x, across), Shape.of(batch * height, 1, width * columns * channels));
            return Ops.reshape(Ops.add(wide, down), Shape.of(batch, height * rows, width * columns, channels));
        }
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
