package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.backend.Window2d;
import dev.kiln.op.Padding2d;
import dev.kiln.op.WindowOptions;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * What {@link MaxPool2D} and {@link AvgPool2D} share: a pool size, strides (the pool size by default, so windows
 * tile the image) and padding, over channels-last images [batch, height, width, channels]; no parameters.
 *
 * @param <L> the concrete layer, returned by the setters so they chain
 */
public abstract class PoolingLayer<L extends PoolingLayer<L>> extends SingleInputLayer {
    private final int poolHeight;
    private final int poolWidth;
    private WindowOptions options;

    PoolingLayer(int poolHeight, int poolWidth) {
        if (poolHeight < 1 || poolWidth < 1) {
            throw new KilnException(getClass().getSimpleName() + " needs a pool of at least 1x1, got " + poolHeight
                    + "x" + poolWidth);
        }
        this.poolHeight = poolHeight;
        this.poolWidth = poolWidth;
        this.options = new WindowOptions(poolHeight, poolWidth, 1, 1, Padding2d.VALID);
    }

    private L self() {
        @SuppressWarnings("unchecked")
        L self = (L) this;
        return self;
    }

    /** Pool rows. */
    public int poolHeight() {
        return poolHeight;
    }

    /** Pool columns. */
    public int poolWidth() {
        return poolWidth;
    }

    /** Strides and padding (no dilation). */
    public WindowOptions windowOptions() {
        return options;
    }

    /** The same stride along both axes (the pool size by default). */
    public L strides(int stride) {
        return strides(stride, stride);
    }

    /** Rows and columns between neighbouring windows. */
    public L strides(int strideHeight, int strideWidth) {
        checkNotBuilt("change the strides of");
        options = new WindowOptions(strideHeight, strideWidth, 1, 1, options.padding());
        return self();
    }

    /** {@link Padding2d#VALID} (the default), {@link Padding2d#SAME} or explicit rows and columns. */
    public L padding(Padding2d padding) {
        checkNotBuilt("change the padding of");
        options = new WindowOptions(options.strideHeight(), options.strideWidth(), 1, 1, padding);
        return self();
    }

    @Override
    public L named(String newName) {
        super.named(newName);
        return self();
    }

    /** The pooling of a batch. */
    abstract Tensor pool(Tensor images);

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        requireImages(inputShape);
        String misfit = options.misfit(inputShape.dim(0), inputShape.dim(1), poolHeight, poolWidth);
        if (misfit != null) {
            throw badInput("input " + batchShape(inputShape) + " " + misfit);
        }
        Window2d window = options.over(name(), inputShape.prepend(1), poolHeight, poolWidth);
        return Shape.of(window.outHeight(), window.outWidth(), inputShape.dim(2));
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        return pool(input);
    }
}
