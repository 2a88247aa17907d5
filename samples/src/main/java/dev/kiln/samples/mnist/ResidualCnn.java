package dev.kiln.samples.mnist;

import dev.kiln.backend.Backend;
import dev.kiln.layer.Activation;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Add;
import dev.kiln.layer.BatchNormalization;
import dev.kiln.layer.Conv2D;
import dev.kiln.layer.Dense;
import dev.kiln.layer.GlobalAveragePooling2D;
import dev.kiln.layer.Input;
import dev.kiln.layer.MaxPool2D;
import dev.kiln.layer.Reshape;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.model.Model;
import dev.kiln.op.Padding2d;
import dev.kiln.tensor.Shape;

/**
 * A small residual network, built with the functional API: a convolution stem (conv - batch norm - relu, then a
 * max-pool halving the image), then stages of residual blocks (conv - batch norm - relu - conv - batch norm, added to
 * the block's input, then relu), a max-pool between stages with a 1x1 convolution widening the channels, then global
 * average pooling and dense(classes, softmax).
 *
 * @param filters channels of the first stage; each later stage doubles them
 * @param stages number of stages
 * @param blocks residual blocks per stage
 */
public record ResidualCnn(int filters, int stages, int blocks) implements ImageArchitecture {
    @Override
    public Model create(Backend backend, Shape image, int classes, long seed) {
        SymbolicTensor input = Input.of("image", image.dim(0), image.dim(1));
        SymbolicTensor x = new Reshape(image.dim(0), image.dim(1), 1).call(input);
        x = new MaxPool2D(2).call(convBnRelu(x, filters, 3));
        int channels = filters;
        for (int stage = 0; stage < stages; stage++) {
            if (stage > 0) {
                channels *= 2;
                x = convBnRelu(new MaxPool2D(2).call(x), channels, 1);
            }
            for (int block = 0; block < blocks; block++) {
                x = residualBlock(x, channels);
            }
        }
        SymbolicTensor features = new GlobalAveragePooling2D().call(x);
        SymbolicTensor classesOut = new Dense(classes, ActivationFunction.SOFTMAX).call(features);
        return Model.on(backend, input, classesOut).seed(seed);
    }

    /** conv - bn - relu - conv - bn, added to x, then relu: the skip connection keeps x's shape. */
    private static SymbolicTensor residualBlock(SymbolicTensor x, int channels) {
        SymbolicTensor y = convBnRelu(x, channels, 3);
        y = new BatchNormalization().call(new Conv2D(channels, 3).padding(Padding2d.SAME).useBias(false).call(y));
        return new Activation(ActivationFunction.RELU).call(new Add().call(x, y));
    }

    private static SymbolicTensor convBnRelu(SymbolicTensor x, int channels, int kernel) {
        SymbolicTensor y = new Conv2D(channels, kernel).padding(Padding2d.SAME).useBias(false).call(x);
        return new Activation(ActivationFunction.RELU).call(new BatchNormalization().call(y));
    }
}
