package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.backend.Window2d;
import dev.kiln.op.ConvolutionOps;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Transposed 2-D convolution, the learnt up-sampling of generators and decoders: each input pixel adds its
 * kernel-weighted window to the output. Images are channels-last; the kernel is [kernel_h, kernel_w, filters, in]
 * and the bias [filters], Keras's layout. An output axis has {@code size * stride + max(extent - stride, 0)}
 * positions with valid padding, {@code size * stride} with same padding and
 * {@code (size - 1) * stride + extent - padding} with explicit padding.
 */
public final class Conv2DTranspose extends ConvolutionLayer<Conv2DTranspose> {

    /** {@code filters} output channels from a square {@code kernelSize x kernelSize} kernel. */
    public Conv2DTranspose(int filters, int kernelSize) {
        this(filters, kernelSize, kernelSize);
    }

    /** {@code filters} output channels from a {@code kernelHeight x kernelWidth} kernel. */
    public Conv2DTranspose(int filters, int kernelHeight, int kernelWidth) {
        super(filters, kernelHeight, kernelWidth);
    }

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        requireImages(inputShape);
        try {
            Window2d window = ConvolutionOps.transposedWindow(inputShape.prepend(1), kernelShape(inputShape.dim(2)),
                    windowOptions());
            return Shape.of(window.height(), window.width(), filters());
        } catch (KilnException e) {
            throw badInput("input " + batchShape(inputShape) + " does not fit: " + e.getMessage());
        }
    }

    @Override
    Shape kernelShape(int channels) {
        return Shape.of(kernelHeight(), kernelWidth(), filters(), channels);
    }

    @Override
    Tensor convolve(Tensor images, Tensor kernel) {
        return Ops.conv2dTranspose(images, kernel, windowOptions());
    }
}
