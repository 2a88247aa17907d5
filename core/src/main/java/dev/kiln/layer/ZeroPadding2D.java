package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.op.ShapeOps;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Zero rows above and below and zero columns left and right of channels-last images:
 * [batch, height, width, channels] to [batch, top + height + bottom, left + width + right, channels].
 */
public final class ZeroPadding2D extends SingleInputLayer {
    private final int top;
    private final int bottom;
    private final int left;
    private final int right;

    /** {@code padding} rows and columns on every side. */
    public ZeroPadding2D(int padding) {
        this(padding, padding, padding, padding);
    }

    /** Explicit zero rows and columns on each side. */
    public ZeroPadding2D(int top, int bottom, int left, int right) {
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new KilnException("ZeroPadding2D needs padding of at least 0, got top " + top + ", bottom " + bottom
                    + ", left " + left + ", right " + right);
        }
        this.top = top;
        this.bottom = bottom;
        this.left = left;
        this.right = right;
    }

    /** The padding as {top, bottom, left, right}. */
    public int[] padding() {
        return new int[] {top, bottom, left, right};
    }

    @Override
    public ZeroPadding2D named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        requireImages(inputShape);
        if ((long) inputShape.dim(0) + top + bottom > Integer.MAX_VALUE
                || (long) inputShape.dim(1) + left + right > Integer.MAX_VALUE) {
            throw badInput("input " + batchShape(inputShape) + " padded by " + top + "," + bottom + "," + left + ","
                    + right + " has more than " + Integer.MAX_VALUE + " rows or columns");
        }
        return Shape.of(inputShape.dim(0) + top + bottom, inputShape.dim(1) + left + right, inputShape.dim(2));
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        return ShapeOps.pad(input, new int[][] {{0, 0}, {top, bottom}, {left, right}, {0, 0}}, 0);
    }
}
