package dev.kiln.opencl;

import dev.kiln.backend.DType;
import dev.kiln.backend.Window2d;

/**
 * Launches the sliding-window kernels of windows.cl on checked buffers: the _vector kernels, which move the
 * program's vector width of channels per work-item, when the channels are a multiple of it, else the kernels that
 * move one channel per work-item.
 */
final class OpenClWindows {
    private final OpenClBackend backend;

    OpenClWindows(OpenClBackend backend) {
        this.backend = backend;
    }

    void im2col(Window2d w, ClBuffer image, ClBuffer columns) {
        int lanes = lanes(w, image.dtype());
        long n = (long) w.columnRows() * w.columnWidth() / lanes;
        start(image.dtype(), "im2col", w, lanes, n)
                .divisor(w.channels() / lanes).divisor(w.taps()).divisor(w.kernelWidth())
                .divisor(w.outWidth()).divisor(w.outHeight())
                .buffer(image).buffer(columns).run(backend.queue(), n);
    }

    void col2im(Window2d w, ClBuffer columns, ClBuffer image) {
        int lanes = lanes(w, image.dtype());
        long n = w.imageLength() / lanes;
        // The taps reading one position recur every stride / g taps, their windows every dilation / g positions.
        int rowsGcd = gcd(w.strideHeight(), w.dilationHeight());
        int columnsGcd = gcd(w.strideWidth(), w.dilationWidth());
        start(image.dtype(), "col2im", w, lanes, n)
                .integer(w.strideHeight() / rowsGcd).integer(w.dilationHeight() / rowsGcd)
                .integer(w.strideWidth() / columnsGcd).integer(w.dilationWidth() / columnsGcd)
                .divisor(w.channels() / lanes).divisor(w.width()).divisor(w.height())
                .divisor(w.strideHeight()).divisor(w.strideWidth())
                .buffer(columns).buffer(image).run(backend.queue(), n);
    }

    void maxPool(Window2d w, ClBuffer image, ClBuffer out, ClBuffer argmax) {
        int lanes = lanes(w, image.dtype());
        long n = w.pooledLength() / lanes;
        start(image.dtype(), "max_pool", w, lanes, n)
                .divisor(w.channels() / lanes).divisor(w.outWidth()).divisor(w.outHeight())
                .buffer(image).buffer(out).buffer(argmax).run(backend.queue(), n);
    }

    void maxPoolBackward(Window2d w, ClBuffer gradOut, ClBuffer argmax, ClBuffer gradImage) {
        int lanes = lanes(w, gradImage.dtype());
        long n = w.imageLength() / lanes;
        poolBackward(start(gradImage.dtype(), "max_pool_backward", w, lanes, n), w, lanes)
                .buffer(gradOut).buffer(argmax).buffer(gradImage).run(backend.queue(), n);
    }

    void avgPool(Window2d w, ClBuffer image, ClBuffer out) {
        int lanes = lanes(w, image.dtype());
        long n = w.pooledLength() / lanes;
        start(image.dtype(), "avg_pool", w, lanes, n)
                .divisor(w.channels() / lanes).divisor(w.outWidth()).divisor(w.outHeight())
                .buffer(image).buffer(out).run(backend.queue(), n);
    }

    void avgPoolBackward(Window2d w, ClBuffer gradOut, ClBuffer gradImage) {
        int lanes = lanes(w, gradImage.dtype());
        long n = w.imageLength() / lanes;
        poolBackward(start(gradImage.dtype(), "avg_pool_backward", w, lanes, n), w, lanes)
                .buffer(gradOut).buffer(gradImage).run(backend.queue(), n);
    }

    /** The divisors both pooling gradients decode their pixel and its first windows with. */
    private static KernelLaunch poolBackward(KernelLaunch launch, Window2d w, int lanes) {
        return launch.divisor(w.channels() / lanes).divisor(w.width()).divisor(w.height())
                .divisor(w.strideHeight()).divisor(w.strideWidth());
    }

    /** A launch of {@code kernel} (its _vector form when lanes > 1) with n work-items and the window's geometry set. */
    private KernelLaunch start(DType dtype, String kernel, Window2d w, int lanes, long n) {
        KernelLaunch launch = backend.launch(dtype, KernelFamily.WINDOWS, lanes == 1 ? kernel : kernel + "_vector",
                w::toString).unsignedLong(n);
        int[] geometry = {w.height(), w.width(), w.channels(), w.kernelHeight(), w.kernelWidth(), w.strideHeight(),
            w.strideWidth(), w.dilationHeight(), w.dilationWidth(), w.padTop(), w.padLeft(), w.outHeight(),
            w.outWidth()};
        for (int value : geometry) {
            launch.integer(value);
        }
        return launch;
    }

    /** Channels per work-item: the program's vector width when it divides the channels, else 1. */
    private int lanes(Window2d w, DType dtype) {
        int width = backend.lanes(dtype);
        return w.channels() % width == 0 ? width : 1;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
