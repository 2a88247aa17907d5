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
 * The Keras MNIST convolutional networks. Without a dense layer, the current Keras example: conv 32 3x3 relu ->
 * max-pool 2 -> conv 64 3x3 relu -> max-pool 2 -> flatten -> dropout -> dense(classes, softmax). With one, its
 * earlier variant: conv 32 3x3 relu -> conv 64 3x3 relu -> max-pool 2 -> dropout 0.25 -> flatten -> dense relu ->
 * dropout -> dense(classes, softmax), which sees the digits at full resolution in both convolutions.
 *
 * @param dense units of the dense relu layer of the earlier variant, or 0 for the current example
 * @param dropout the dropout rate before the last layer (0.5 in both)
 */
public record MnistCnn(int dense, double dropout) implements ImageArchitecture {
    @Override
    public Model create(Backend backend, Shape image, int classes, long seed) {
        List<Layer> layers = new ArrayList<>();
        layers.add(new Reshape(image.dim(0), image.dim(1), 1));
        layers.add(new Conv2D(32, 3).activation(ActivationFunction.RELU));
        if (dense > 0) {
            layers.add(new Conv2D(64, 3).activation(ActivationFunction.RELU));
            layers.add(new MaxPool2D(2));
            layers.add(new Dropout(0.25));
            layers.add(new Flatten());
            layers.add(new Dense(dense, ActivationFunction.RELU));
        } else {
            layers.add(new MaxPool2D(2));
            layers.add(new Conv2D(64, 3).activation(ActivationFunction.RELU));
            layers.add(new MaxPool2D(2));
            layers.add(new Flatten());
        }
        layers.add(new Dropout(dropout));
        layers.add(new Dense(classes, ActivationFunction.SOFTMAX));
        return Sequential.on(backend, layers.toArray(Layer[]::new)).seed(seed);
    }
}
