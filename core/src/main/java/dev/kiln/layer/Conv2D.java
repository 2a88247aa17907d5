package dev.kiln.layer;

import dev.kiln.backend.Window2d;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * 2-D convolution: y = f(conv(x, kernel) + bias) over channels-last images [batch, height, width, in], with a
 * kernel [kernel_h, kernel_w, in, filters] and a bias [filters], as in Keras. The output is
 * [batch, outHeight, outWidth, filters], where an axis has {@code floor((size + padding - extent) / stride) + 1}
 * positions ({@code ceil(size / stride)} with {@link dev.kiln.op.Padding2d#SAME} padding) and the extent is
 * {@code dilation * (kernel - 1) + 1}.
 */
public final class Conv2D extends ConvolutionLayer<Conv2D> {

    /** {@code filters} output channels from a square {@code kernelSize x kernelSize} kernel. */
    public Conv2D(int filters, int kernelSize) {
        this(filters, kernelSize, kernelSize);
    }

    /** {@code filters} output channels from a {@code kernelHeight x kernelWidth} kernel. */
    public Conv2D(int filters, int kernelHeight, int kernelWidth) {
        super(filters, kernelHeight, kernelWidth);
    }

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        requireImages(inputShape);
        String misfit = windowOptions().misfit(inputShape.dim(0), inputShape.dim(1), kernelHeight(), kernelWidth());
        if (misfit != null) {
            throw badInput("input " + batchShape(inputShape) + " " + misfit);
        }
        Window2d window = windowOptions().over(name(), inputShape.prepend(1), kernelHeight(), kernelWidth());
        return Shape.of(window.outHeight(), window.outWidth(), filters());
    }

    @Override
    Shape kernelShape(int channels) {
        return Shape.of(kernelHeight(), kernelWidth(), channels, filters());
    }

    @Override
    Tensor convolve(Tensor images, Tensor kernel) {
        return Ops.conv2d(images, kernel, windowOptions());
    }
}
