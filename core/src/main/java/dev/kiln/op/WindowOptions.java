package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Window2d;
import dev.kiln.tensor.Shape;

/**
 * How a 2-D window slides over channels-last images: its strides, the spacing of its taps (dilation) and the
 * padding.
 *
 * @param strideHeight rows between neighbouring windows
 * @param strideWidth columns between neighbouring windows
 * @param dilationHeight rows between the taps of one window (1: adjacent)
 * @param dilationWidth columns between the taps of one window
 * @param padding the zero padding
 */
public record WindowOptions(int strideHeight, int strideWidth, int dilationHeight, int dilationWidth,
                            Padding2d padding) {
    /** Stride 1, no dilation, no padding. */
    public static final WindowOptions DEFAULT = new WindowOptions(1, 1, 1, 1, Padding2d.VALID);

    public WindowOptions {
        if (strideHeight < 1 || strideWidth < 1 || dilationHeight < 1 || dilationWidth < 1) {
            throw new KilnException("strides and dilation must be at least 1, got strides " + strideHeight + "x"
                    + strideWidth + ", dilation " + dilationHeight + "x" + dilationWidth);
        }
        if (padding == null) {
            throw new KilnException("padding must not be null; use Padding2d.VALID for none");
        }
    }

    /** Equal strides along both axes, no dilation. */
    public static WindowOptions of(int stride, Padding2d padding) {
        return new WindowOptions(stride, stride, 1, 1, padding);
    }

    /** Whether the window reads every pixel exactly once in order (1x1 kernels only): no stride, padding or holes. */
    boolean isIdentity(int kernelHeight, int kernelWidth) {
        return kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
                && (padding.equals(Padding2d.VALID) || padding.isSame());
    }

    /**
     * The window of a {@code kernelHeight x kernelWidth} kernel over images {@code [batch, height, width, channels]};
     * fails, naming {@code op} and the shapes, when the images are smaller than the window.
     */
    public Window2d over(String op, Shape images, int kernelHeight, int kernelWidth) {
        if (images.rank() != 4) {
            throw new KilnException(op + ": expected images [batch, height, width, channels], got shape " + images);
        }
        String misfit = misfit(images.dim(1), images.dim(2), kernelHeight, kernelWidth);
        if (misfit != null) {
            throw new KilnException(op + ": input " + images + " " + misfit);
        }
        int[] rows = padding.along(true, images.dim(1), kernelHeight, strideHeight, dilationHeight);
        int[] columns = padding.along(false, images.dim(2), kernelWidth, strideWidth, dilationWidth);
        return Window2d.of(images.dim(0), images.dim(1), images.dim(2), images.dim(3), kernelHeight, kernelWidth,
                strideHeight, strideWidth, dilationHeight, dilationWidth, rows[0], rows[1], columns[0], columns[1]);
    }

    /**
     * Why a {@code kernelHeight x kernelWidth} window cannot slide over {@code height x width} images ("is smaller
     * than the 5x5 window with padding valid; ..."), or null when it can.
     */
    public String misfit(int height, int width, int kernelHeight, int kernelWidth) {
        int[] rows = padding.along(true, height, kernelHeight, strideHeight, dilationHeight);
        int[] columns = padding.along(false, width, kernelWidth, strideWidth, dilationWidth);
        long extentHeight = (long) dilationHeight * (kernelHeight - 1) + 1;
        long extentWidth = (long) dilationWidth * (kernelWidth - 1) + 1;
        String window = kernelHeight + "x" + kernelWidth + " window" + (dilationHeight * dilationWidth > 1
                ? " (dilation " + dilationHeight + "x" + dilationWidth + ", extent " + extentHeight + "x" + extentWidth
                + ")" : "");
        if (height + rows[0] + rows[1] < extentHeight || width + columns[0] + columns[1] < extentWidth) {
            return "is smaller than the " + window + " with padding " + padding
                    + "; pad the input or use a smaller kernel";
        }
        if (rows[0] >= extentHeight || rows[1] >= extentHeight || columns[0] >= extentWidth
                || columns[1] >= extentWidth) {
            return "would be padded by " + padding + ", as much as the " + window + " or more; a window would read"
                    + " only padding";
        }
        return null;
    }
}
