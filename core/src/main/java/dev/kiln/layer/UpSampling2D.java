package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Nearest-neighbour up-sampling of channels-last images: each pixel becomes a {@code rows x columns} block,
 * [batch, height, width, channels] to [batch, height * rows, width * columns, channels]; no parameters.
 */
public final class UpSampling2D extends SingleInputLayer {
    private final int rows;
    private final int columns;

    /** Repeats every pixel {@code factor} times down and across. */
    public UpSampling2D(int factor) {
        this(factor, factor);
    }

    /** Repeats every pixel {@code rows} times down and {@code columns} times across. */
    public UpSampling2D(int rows, int columns) {
        if (rows < 1 || columns < 1) {
            throw new KilnException("UpSampling2D needs factors of at least 1, got " + rows + "x" + columns);
        }
        this.rows = rows;
        this.columns = columns;
    }

    /** Repeats down. */
    public int rows() {
        return rows;
    }

    /** Repeats across. */
    public int columns() {
        return columns;
    }

    @Override
    public UpSampling2D named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        requireImages(inputShape);
        if ((long) inputShape.dim(0) * rows > Integer.MAX_VALUE
                || (long) inputShape.dim(1) * columns > Integer.MAX_VALUE) {
            throw badInput("input " + batchShape(inputShape) + " up-sampled " + rows + "x" + columns + " has more than "
                    + Integer.MAX_VALUE + " rows or columns");
        }
        return Shape.of(inputShape.dim(0) * rows, inputShape.dim(1) * columns, inputShape.dim(2));
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        return Ops.upSampling2d(input, rows, columns);
    }
}
