package dev.kiln.backend;

import dev.kiln.KilnException;

/**
 * Where a 2-D sliding window (a convolution kernel or a pooling window) reads a batch of channels-last images
 * {@code [batch, height, width, channels]}. Output pixel (oy, ox) reads the taps (ky, kx) in
 * [0, kernelHeight) x [0, kernelWidth) at image row {@code oy * strideHeight - padTop + ky * dilationHeight} and
 * column {@code ox * strideWidth - padLeft + kx * dilationWidth}; a tap outside the image lies in the zero
 * padding. The padding on each side is smaller than the window's extent ({@code dilation * (kernel - 1) + 1}), so
 * every window without dilation touches the image (pooling relies on it); a dilated window may still place all
 * its taps in the padding (one pixel, taps 3 apart, two zero rows above it), and then reads only zeros.
 *
 * @param batch images in the batch (may be 0)
 * @param height image rows
 * @param width image columns
 * @param channels values per pixel
 * @param kernelHeight window rows
 * @param kernelWidth window columns
 * @param strideHeight rows between neighbouring windows
 * @param strideWidth columns between neighbouring windows
 * @param dilationHeight rows between neighbouring taps of one window
 * @param dilationWidth columns between neighbouring taps of one window
 * @param padTop zero rows above the image
 * @param padLeft zero columns left of the image
 * @param outHeight window positions down the image
 * @param outWidth window positions across the image
 */
public record Window2d(int batch, int height, int width, int channels, int kernelHeight, int kernelWidth,
                       int strideHeight, int strideWidth, int dilationHeight, int dilationWidth, int padTop, int padLeft,
                       int outHeight, int outWidth) {

    public Window2d {
        if (batch < 0 || height < 1 || width < 1 || channels < 1 || kernelHeight < 1 || kernelWidth < 1
                || strideHeight < 1 || strideWidth < 1 || dilationHeight < 1 || dilationWidth < 1
                || outHeight < 1 || outWidth < 1) {
            throw new KilnException("window: batch must be at least 0 and every other size at least 1, got " + describe(
                    batch, height, width, channels, kernelHeight, kernelWidth, strideHeight, strideWidth,
                    dilationHeight, dilationWidth, padTop, padLeft, outHeight, outWidth));
        }
        long extentHeight = (long) dilationHeight * (kernelHeight - 1) + 1;
        long extentWidth = (long) dilationWidth * (kernelWidth - 1) + 1;
        long padBottom = padAfter(outHeight, strideHeight, extentHeight, padTop, height);
        long padRight = padAfter(outWidth, strideWidth, extentWidth, padLeft, width);
        if (padTop < 0 || padLeft < 0 || padTop >= extentHeight || padLeft >= extentWidth
                || padBottom >= extentHeight || padRight >= extentWidth) {
            throw new KilnException("window: the padding must be at least 0 and smaller than the window's extent ("
                    + extentHeight + "x" + extentWidth + ") on every side, got top " + padTop + ", bottom " + padBottom
                    + ", left " + padLeft + ", right " + padRight + " for " + describe(batch, height, width, channels,
                    kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop,
                    padLeft, outHeight, outWidth));
        }
        if ((long) batch * outHeight * outWidth * kernelHeight * kernelWidth * channels > Integer.MAX_VALUE
                || (long) batch * height * width * channels > Integer.MAX_VALUE) {
            throw new KilnException("window: the images or their columns would exceed " + Integer.MAX_VALUE
                    + " elements; split the batch");
        }
    }

    /**
     * The window over images {@code [batch, height, width, channels]} with explicit zero padding on each side; the
     * output size is {@code floor((size + padding - extent) / stride) + 1}.
     */
    public static Window2d of(int batch, int height, int width, int channels, int kernelHeight, int kernelWidth,
                              int strideHeight, int strideWidth, int dilationHeight, int dilationWidth,
                              int padTop, int padBottom, int padLeft, int padRight) {
        int outHeight = outputSize("height", height, kernelHeight, strideHeight, dilationHeight, padTop, padBottom);
        int outWidth = outputSize("width", width, kernelWidth, strideWidth, dilationWidth, padLeft, padRight);
        return new Window2d(batch, height, width, channels, kernelHeight, kernelWidth, strideHeight, strideWidth,
                dilationHeight, dilationWidth, padTop, padLeft, outHeight, outWidth);
    }

    /** The same window over a batch of {@code batch} images. */
    public Window2d withBatch(int batch) {
        return new Window2d(batch, height, width, channels, kernelHeight, kernelWidth, strideHeight, strideWidth,
                dilationHeight, dilationWidth, padTop, padLeft, outHeight, outWidth);
    }

    /** Zero rows below the image that the last windows read; negative when they leave image rows unread. */
    public long padBottom() {
        return padAfter(outHeight, strideHeight, (long) dilationHeight * (kernelHeight - 1) + 1, padTop, height);
    }

    /** Zero columns right of the image that the last windows read; negative when they leave columns unread. */
    public long padRight() {
        return padAfter(outWidth, strideWidth, (long) dilationWidth * (kernelWidth - 1) + 1, padLeft, width);
    }

    private static long padAfter(int outputs, int stride, long extent, int padBefore, int size) {
        return (long) (outputs - 1) * stride + extent - padBefore - size;
    }

    /** Elements of the images, {@code batch * height * width * channels}. */
    public long imageLength() {
        return (long) batch * height * width * channels;
    }

    /** Elements of one value per window and channel, {@code batch * outHeight * outWidth * channels} (pooling). */
    public long pooledLength() {
        return (long) batch * outHeight * outWidth * channels;
    }

    /** Rows of the column matrix: one per window position, {@code batch * outHeight * outWidth}. */
    public int columnRows() {
        return batch * outHeight * outWidth;
    }

    /** Columns of the column matrix: one per tap and channel, {@code kernelHeight * kernelWidth * channels}. */
    public int columnWidth() {
        return kernelHeight * kernelWidth * channels;
    }

    /** Taps of one window, {@code kernelHeight * kernelWidth}. */
    public int taps() {
        return kernelHeight * kernelWidth;
    }

    private static int outputSize(String axis, int size, int kernel, int stride, int dilation, int padBefore,
                                  int padAfter) {
        if (size < 1 || kernel < 1 || stride < 1 || dilation < 1 || padBefore < 0 || padAfter < 0) {
            throw new KilnException("window: expected a " + axis + " of at least 1, kernel, stride and dilation of at"
                    + " least 1 and padding of at least 0, got " + axis + " " + size + ", kernel " + kernel
                    + ", stride " + stride + ", dilation " + dilation + ", padding " + padBefore + " and " + padAfter);
        }
        long extent = (long) dilation * (kernel - 1) + 1;
        long padded = (long) size + padBefore + padAfter;
        if (padded < extent) {
            throw new KilnException("window: the input " + axis + " " + size + (padBefore + padAfter > 0
                    ? " (" + padded + " padded)" : "") + " is smaller than the window's extent " + extent
                    + " (kernel " + kernel + ", dilation " + dilation + ")");
        }
        return Math.toIntExact((padded - extent) / stride + 1);
    }

    private static String describe(int batch, int height, int width, int channels, int kernelHeight, int kernelWidth,
                                   int strideHeight, int strideWidth, int dilationHeight, int dilationWidth,
                                   int padTop, int padLeft, int outHeight, int outWidth) {
        return "images [" + batch + ", " + height + ", " + width + ", " + channels + "], kernel " + kernelHeight + "x"
                + kernelWidth + ", stride " + strideHeight + "x" + strideWidth + ", dilation " + dilationHeight + "x"
                + dilationWidth + ", padding top " + padTop + " left " + padLeft + ", output " + outHeight + "x"
                + outWidth;
    }

    @Override
    public String toString() {
        return describe(batch, height, width, channels, kernelHeight, kernelWidth, strideHeight, strideWidth,
                dilationHeight, dilationWidth, padTop, padLeft, outHeight, outWidth);
    }
}
