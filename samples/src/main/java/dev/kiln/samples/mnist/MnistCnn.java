package dev.kiln.samples.mnist;

import dev.kiln.backend.Backend;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Conv2D;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Dropout;
import dev.kiln.layer.Flatten;
import dev.kiln.layer.Layer;
import dev.kiln.layer.MaxPool2D;
import dev.kiln.layer.Reshape;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The Keras MNIST convolutional network: conv 32 3x3 relu -> max-pool 2 -> conv 64 3x3 relu -> max-pool 2 ->
 * flatten -> dropout -> dense(classes, softmax), optionally with a dense relu layer before the dropout.
 *
 * @param dense units of a dense relu layer after the convolutions, or 0 for none (the Keras example)
 * @param dropout the dropout rate before the last layer (0.5 in the Keras example)
 */
public record MnistCnn(int dense, double dropout) implements ImageArchitecture {
    @Override
    public Model create(Backend backend, Shape image, int classes, long seed) {
        List<Layer> layers = new ArrayList<>(List.of(new Reshape(image.dim(0), image.dim(1), 1),
                new Conv2D(32, 3).activation(ActivationFunction.RELU), new MaxPool2D(2),
                new Conv2D(64, 3).activation(ActivationFunction.RELU), new MaxPool2D(2), new Flatten()));
        if (dense > 0) {
            layers.add(new Dense(dense, ActivationFunction.RELU));
        }
        layers.add(new Dropout(dropout));
        layers.add(new Dense(classes, ActivationFunction.SOFTMAX));
        return Sequential.on(backend, layers.toArray(Layer[]::new)).seed(seed);
    }
}
