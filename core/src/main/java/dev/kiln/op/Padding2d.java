package dev.kiln.op;

import dev.kiln.KilnException;
import java.util.Locale;

/**
 * How a 2-D window is padded with zeros: {@link #VALID} (none, so the output shrinks), {@link #SAME} (as Keras and
 * TensorFlow pad: the output has ceil(size / stride) positions, with the odd extra row or column at the bottom or
 * right) or explicit rows and columns on each side ({@link #of}).
 *
 * @param mode how the padding is chosen
 * @param top zero rows above the image (explicit padding only)
 * @param bottom zero rows below the image (explicit padding only)
 * @param left zero columns left of the image (explicit padding only)
 * @param right zero columns right of the image (explicit padding only)
 */
public record Padding2d(Mode mode, int top, int bottom, int left, int right) {
    /** How the padding is chosen. */
    public enum Mode {
        /** None. */
        VALID,
        /** Enough for ceil(size / stride) outputs. */
        SAME,
        /** The given rows and columns. */
        EXPLICIT
    }

    /** No padding: only windows wholly inside the image. */
    public static final Padding2d VALID = new Padding2d(Mode.VALID, 0, 0, 0, 0);
    /** Padding for ceil(size / stride) outputs, split evenly with any extra at the bottom and right. */
    public static final Padding2d SAME = new Padding2d(Mode.SAME, 0, 0, 0, 0);

    public Padding2d {
        if (mode == null) {
            throw new KilnException("padding mode must not be null");
        }
        boolean sized = top != 0 || bottom != 0 || left != 0 || right != 0;
        if (top < 0 || bottom < 0 || left < 0 || right < 0 || (mode != Mode.EXPLICIT && sized)) {
            throw new KilnException("padding must not be negative, and only explicit padding has sizes; got " + mode
                    + " with top " + top + ", bottom " + bottom + ", left " + left + ", right " + right);
        }
    }

    /** Explicit zero rows above and below and columns left and right of the image. */
    public static Padding2d of(int top, int bottom, int left, int right) {
        return new Padding2d(Mode.EXPLICIT, top, bottom, left, right);
    }

    /** "valid", "same" or the explicit form "top,bottom,left,right", as {@link #toString()} writes them. */
    public static Padding2d parse(String text) {
        if ("valid".equals(text)) {
            return VALID;
        }
        if ("same".equals(text)) {
            return SAME;
        }
        String[] parts = text == null ? new String[0] : text.split(",");
        if (parts.length == 4) {
            try {
                return of(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()),
                        Integer.parseInt(parts[2].strip()), Integer.parseInt(parts[3].strip()));
            } catch (NumberFormatException e) {
                // reported below with the accepted forms
            }
        }
        throw new KilnException("padding must be 'valid', 'same' or 'top,bottom,left,right', got '" + text + "'");
    }

    /** Whether this is {@link #SAME}. */
    public boolean isSame() {
        return mode == Mode.SAME;
    }

    /**
     * The zero rows (or columns) before and after an axis of {@code size} for a window of {@code kernel} taps
     * {@code dilation} apart moving by {@code stride}: {before, after}; {@code vertical} picks top/bottom or
     * left/right of an explicit padding.
     */
    int[] along(boolean vertical, int size, int kernel, int stride, int dilation) {
        if (mode == Mode.SAME) {
            long out = (size + (long) stride - 1) / stride;
            long extent = (long) dilation * (kernel - 1) + 1;
            int total = (int) Math.max((out - 1) * stride + extent - size, 0);
            return new int[] {total / 2, total - total / 2};
        }
        return vertical ? new int[] {top, bottom} : new int[] {left, right};
    }

    @Override
    public String toString() {
        return mode == Mode.EXPLICIT ? top + "," + bottom + "," + left + "," + right
                : mode.name().toLowerCase(Locale.ROOT);
    }
}
