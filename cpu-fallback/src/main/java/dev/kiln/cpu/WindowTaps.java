package dev.kiln.cpu;

import dev.kiln.backend.Window2d;

/** Index arithmetic shared by the window kernels of both dtypes. */
final class WindowTaps {
    private WindowTaps() {
    }

    /**
     * The output position whose tap {@code tap} reads input position {@code position} along one axis, or -1 when no
     * window's tap {@code tap} reads it.
     */
    static int output(int position, int tap, int pad, int dilation, int stride, int outSize) {
        int offset = position + pad - tap * dilation;
        if (offset < 0 || offset % stride != 0) {
            return -1;
        }
        int out = offset / stride;
        return out < outSize ? out : -1;
    }

    /** Taps of the (undilated) window at (oy, ox) that lie inside the image. */
    static int inImage(Window2d w, int oy, int ox) {
        return inside(oy * w.strideHeight() - w.padTop(), w.kernelHeight(), w.height())
                * inside(ox * w.strideWidth() - w.padLeft(), w.kernelWidth(), w.width());
    }

    /** {@link #inImage} of every window position, row-major [outHeight, outWidth]. */
    static int[] counts(Window2d w) {
        int[] counts = new int[w.outHeight() * w.outWidth()];
        for (int oy = 0; oy < w.outHeight(); oy++) {
            for (int ox = 0; ox < w.outWidth(); ox++) {
                counts[oy * w.outWidth() + ox] = inImage(w, oy, ox);
            }
        }
        return counts;
    }

    private static int inside(int start, int kernel, int size) {
        return Math.min(start + kernel, size) - Math.max(start, 0);
    }
}
