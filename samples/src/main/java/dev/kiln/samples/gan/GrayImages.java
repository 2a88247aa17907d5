package dev.kiln.samples.gan;

import dev.kiln.KilnException;
import java.util.Objects;

/**
 * A batch of grayscale images, row-major {@code [count, height, width]}, with the range their pixels span.
 *
 * @param pixels every pixel, image after image, each image row after row
 * @param count number of images
 * @param height pixel rows per image
 * @param width pixel columns per image
 * @param range the values drawn black and white
 */
public record GrayImages(double[] pixels, int count, int height, int width, PixelRange range) {
    public GrayImages {
        if (count < 1 || height < 1 || width < 1) {
            throw new KilnException("a batch of " + count + " images of " + height + " x " + width + " pixels is"
                    + " empty; expected at least one image of at least one pixel");
        }
        long expected = (long) count * height * width;
        if (pixels.length != expected) {
            throw new KilnException(pixels.length + " pixel values do not make " + count + " images of " + height
                    + " x " + width + "; expected " + expected);
        }
        if (range == null) {
            throw new KilnException("images need the range their pixels span, e.g. PixelRange.TANH; got none");
        }
        pixels = pixels.clone();
        for (int i = 0; i < pixels.length; i++) {
            if (Double.isNaN(pixels[i])) {
                int area = height * width;
                throw new KilnException("pixel (" + i % area / width + ", " + i % width + ") of image " + i / area
                        + " is NaN; expected numbers in " + range);
            }
        }
    }

    /** Images from row-major float pixels, such as a tensor's {@code toFloatArray()}. */
    public static GrayImages of(float[] pixels, int count, int height, int width, PixelRange range) {
        double[] values = new double[pixels.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = pixels[i];
        }
        return new GrayImages(values, count, height, width, range);
    }

    /** Images given one per row, each row-major, as {@code Model.predict} returns them. */
    public static GrayImages ofRows(double[][] rows, int height, int width, PixelRange range) {
        int area = height * width;
        double[] values = new double[Math.multiplyExact(rows.length, area)];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != area) {
                throw new KilnException("image " + i + " has " + rows[i].length + " pixel values; expected " + height
                        + " x " + width + " = " + area);
            }
            System.arraycopy(rows[i], 0, values, i * area, area);
        }
        return new GrayImages(values, rows.length, height, width, range);
    }

    /** The value of pixel ({@code row}, {@code column}) of image {@code image}. */
    public double pixel(int image, int row, int column) {
        Objects.checkIndex(image, count);
        Objects.checkIndex(row, height);
        Objects.checkIndex(column, width);
        return pixels[(image * height + row) * width + column];
    }

    @Override
    public double[] pixels() {
        return pixels.clone();
    }
}
