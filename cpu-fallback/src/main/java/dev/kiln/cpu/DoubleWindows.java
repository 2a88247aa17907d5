package dev.kiln.cpu;

import dev.kiln.backend.Window2d;
import java.util.Arrays;

/**
 * F64 sliding-window kernels over channels-last images: im2col and its adjoint, max and average pooling and their
 * gradients. Channels are the innermost axis, so each tap moves {@code channels} contiguous values. The adjoints
 * gather (each image pixel sums the column entries that read it, taps in increasing order) rather than scatter, so
 * threads never write the same element and sums run in a fixed order.
 */
final class DoubleWindows {
    /** Elements below which a call runs on the calling thread. */
    private static final int GRAIN = 1 << 14;

    private DoubleWindows() {
    }

    static void im2col(Window2d w, double[] image, double[] columns) {
        int rows = w.columnRows();
        WorkPool.forRange(rows, Math.max(1, GRAIN / w.columnWidth()), (first, last) -> {
            for (int row = first; row < last; row++) {
                im2colRow(w, image, columns, row);
            }
        });
    }

    private static void im2colRow(Window2d w, double[] image, double[] columns, int row) {
        int channels = w.channels();
        int tapRow = w.kernelWidth() * channels;
        int ox = row % w.outWidth();
        int oy = row / w.outWidth() % w.outHeight();
        int n = row / (w.outWidth() * w.outHeight());
        int x0 = ox * w.strideWidth() - w.padLeft();
        int xLast = x0 + (w.kernelWidth() - 1) * w.dilationWidth();
        // A window row inside the image with dense taps is one contiguous run of the image.
        boolean contiguous = w.dilationWidth() == 1 && x0 >= 0 && xLast < w.width();
        int base = row * w.columnWidth();
        for (int ky = 0; ky < w.kernelHeight(); ky++) {
            int y = oy * w.strideHeight() - w.padTop() + ky * w.dilationHeight();
            int target = base + ky * tapRow;
            if (y < 0 || y >= w.height()) {
                Arrays.fill(columns, target, target + tapRow, 0.0);
                continue;
            }
            int pixelRow = (n * w.height() + y) * w.width();
            if (contiguous) {
                System.arraycopy(image, (pixelRow + x0) * channels, columns, target, tapRow);
                continue;
            }
            for (int kx = 0; kx < w.kernelWidth(); kx++) {
                int x = x0 + kx * w.dilationWidth();
                int at = target + kx * channels;
                if (x < 0 || x >= w.width()) {
                    Arrays.fill(columns, at, at + channels, 0.0);
                } else {
                    System.arraycopy(image, (pixelRow + x) * channels, columns, at, channels);
                }
            }
        }
    }

    static void col2im(Window2d w, double[] columns, double[] image) {
        int pixels = w.batch() * w.height() * w.width();
        WorkPool.forRange(pixels, Math.max(1, GRAIN / (w.channels() * w.taps())), (first, last) -> {
            for (int pixel = first; pixel < last; pixel++) {
                col2imPixel(w, columns, image, pixel);
            }
        });
    }

    private static void col2imPixel(Window2d w, double[] columns, double[] image, int pixel) {
        int channels = w.channels();
        int target = pixel * channels;
        Arrays.fill(image, target, target + channels, 0.0);
        int x = pixel % w.width();
        int y = pixel / w.width() % w.height();
        int n = pixel / (w.width() * w.height());
        for (int ky = 0; ky < w.kernelHeight(); ky++) {
            int oy = WindowTaps.output(y, ky, w.padTop(), w.dilationHeight(), w.strideHeight(), w.outHeight());
            if (oy < 0) {
                continue;
            }
            for (int kx = 0; kx < w.kernelWidth(); kx++) {
                int ox = WindowTaps.output(x, kx, w.padLeft(), w.dilationWidth(), w.strideWidth(), w.outWidth());
                if (ox < 0) {
                    continue;
                }
                int source = ((n * w.outHeight() + oy) * w.outWidth() + ox) * w.columnWidth()
                        + (ky * w.kernelWidth() + kx) * channels;
                for (int c = 0; c < channels; c++) {
                    image[target + c] += columns[source + c];
                }
            }
        }
    }

    static void maxPool(Window2d w, double[] image, double[] out, int[] argmax) {
        int windows = w.columnRows();
        WorkPool.forRange(windows, Math.max(1, GRAIN / (w.channels() * w.taps())), (first, last) -> {
            double[] best = new double[w.channels()];
            int[] taps = new int[w.channels()];
            for (int window = first; window < last; window++) {
                maxPoolWindow(w, image, out, argmax, window, best, taps);
            }
        });
    }

    /** One window's maxima, kept in {@code best} and {@code taps} (one per channel) and written out once. */
    private static void maxPoolWindow(Window2d w, double[] image, double[] out, int[] argmax, int window, double[] best,
                                      int[] taps) {
        int channels = w.channels();
        int ox = window % w.outWidth();
        int oy = window / w.outWidth() % w.outHeight();
        int n = window / (w.outWidth() * w.outHeight());
        boolean first = true;
        for (int ky = 0; ky < w.kernelHeight(); ky++) {
            int y = oy * w.strideHeight() - w.padTop() + ky;
            if (y < 0 || y >= w.height()) {
                continue;
            }
            for (int kx = 0; kx < w.kernelWidth(); kx++) {
                int x = ox * w.strideWidth() - w.padLeft() + kx;
                if (x < 0 || x >= w.width()) {
                    continue;
                }
                int source = ((n * w.height() + y) * w.width() + x) * channels;
                int tap = ky * w.kernelWidth() + kx;
                if (first) {
                    System.arraycopy(image, source, best, 0, channels);
                    Arrays.fill(taps, tap);
                    first = false;
                    continue;
                }
                for (int c = 0; c < channels; c++) {
                    double value = image[source + c];
                    // a larger value wins, and a NaN wins over a number, so NaN propagates
                    boolean wins = value > best[c] || (value != value && best[c] == best[c]);
                    best[c] = wins ? value : best[c];
                    taps[c] = wins ? tap : taps[c];
                }
            }
        }
        System.arraycopy(best, 0, out, window * channels, channels);
        System.arraycopy(taps, 0, argmax, window * channels, channels);
    }

    static void maxPoolBackward(Window2d w, double[] gradOut, int[] argmax, double[] gradImage) {
        int pixels = w.batch() * w.height() * w.width();
        WorkPool.forRange(pixels, Math.max(1, GRAIN / (w.channels() * w.taps())), (first, last) -> {
            for (int pixel = first; pixel < last; pixel++) {
                poolBackwardPixel(w, gradOut, argmax, null, gradImage, pixel);
            }
        });
    }

    static void avgPool(Window2d w, double[] image, double[] out) {
        int windows = w.columnRows();
        WorkPool.forRange(windows, Math.max(1, GRAIN / (w.channels() * w.taps())), (first, last) -> {
            double[] sums = new double[w.channels()];
            for (int window = first; window < last; window++) {
                avgPoolWindow(w, image, out, sums, window);
            }
        });
    }

    private static void avgPoolWindow(Window2d w, double[] image, double[] out, double[] sums, int window) {
        int channels = w.channels();
        int ox = window % w.outWidth();
        int oy = window / w.outWidth() % w.outHeight();
        int n = window / (w.outWidth() * w.outHeight());
        Arrays.fill(sums, 0);
        for (int ky = 0; ky < w.kernelHeight(); ky++) {
            int y = oy * w.strideHeight() - w.padTop() + ky;
            if (y < 0 || y >= w.height()) {
                continue;
            }
            for (int kx = 0; kx < w.kernelWidth(); kx++) {
                int x = ox * w.strideWidth() - w.padLeft() + kx;
                if (x < 0 || x >= w.width()) {
                    continue;
                }
                int source = ((n * w.height() + y) * w.width() + x) * channels;
                for (int c = 0; c < channels; c++) {
                    sums[c] += image[source + c];
                }
            }
        }
        int count = WindowTaps.inImage(w, oy, ox);
        for (int c = 0; c < channels; c++) {
            out[window * channels + c] = sums[c] / count;
        }
    }

    static void avgPoolBackward(Window2d w, double[] gradOut, double[] gradImage) {
        int pixels = w.batch() * w.height() * w.width();
        int[] counts = WindowTaps.counts(w);
        WorkPool.forRange(pixels, Math.max(1, GRAIN / (w.channels() * w.taps())), (first, last) -> {
            for (int pixel = first; pixel < last; pixel++) {
                poolBackwardPixel(w, gradOut, null, counts, gradImage, pixel);
            }
        });
    }

    /**
     * One pixel's gradient of a pooling: the sum over the windows that read it of gradOut, routed by the argmax
     * (max pooling) or divided by each window's in-image tap count (average pooling, when counts is given).
     */
    private static void poolBackwardPixel(Window2d w, double[] gradOut, int[] argmax, int[] counts, double[] gradImage,
                                          int pixel) {
        int channels = w.channels();
        int target = pixel * channels;
        Arrays.fill(gradImage, target, target + channels, 0.0);
        int x = pixel % w.width();
        int y = pixel / w.width() % w.height();
        int n = pixel / (w.width() * w.height());
        for (int ky = 0; ky < w.kernelHeight(); ky++) {
            int oy = WindowTaps.output(y, ky, w.padTop(), 1, w.strideHeight(), w.outHeight());
            if (oy < 0) {
                continue;
            }
            for (int kx = 0; kx < w.kernelWidth(); kx++) {
                int ox = WindowTaps.output(x, kx, w.padLeft(), 1, w.strideWidth(), w.outWidth());
                if (ox < 0) {
                    continue;
                }
                int window = (n * w.outHeight() + oy) * w.outWidth() + ox;
                int source = window * channels;
                if (counts != null) {
                    double count = counts[oy * w.outWidth() + ox];
                    for (int c = 0; c < channels; c++) {
                        gradImage[target + c] += gradOut[source + c] / count;
                    }
                } else {
                    int tap = ky * w.kernelWidth() + kx;
                    for (int c = 0; c < channels; c++) {
                        if (argmax[source + c] == tap) {
                            gradImage[target + c] += gradOut[source + c];
                        }
                    }
                }
            }
        }
    }
}
