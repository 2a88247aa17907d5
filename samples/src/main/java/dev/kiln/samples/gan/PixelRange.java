package dev.kiln.samples.gan;

import dev.kiln.KilnException;

/**
 * The values a pixel spans from black to white: [-1, 1] from a generator ending in tanh, [0, 1] as
 * {@link dev.kiln.samples.mnist.MnistData} loads images.
 *
 * @param black the value drawn black
 * @param white the value drawn white
 */
public record PixelRange(double black, double white) {
    /** The range of a generator ending in tanh. */
    public static final PixelRange TANH = new PixelRange(-1, 1);
    /** The range of MNIST pixels as loaded for training. */
    public static final PixelRange UNIT = new PixelRange(0, 1);

    public PixelRange {
        if (!Double.isFinite(black) || !Double.isFinite(white) || !(black < white)) {
            throw new KilnException("pixel range [" + black + ", " + white + "] is not a range; expected finite"
                    + " black < white");
        }
    }

    /** Where {@code value} lies in the range, clamped to it: u = clamp((value - black) / (white - black), 0, 1). */
    public double unit(double value) {
        return Math.min(1, Math.max(0, (value - black) / (white - black)));
    }

    /** {@code value} as a gray level from 0 (black) to 255 (white): round(255 u). */
    public int gray(double value) {
        return (int) Math.round(255 * unit(value));
    }
}
