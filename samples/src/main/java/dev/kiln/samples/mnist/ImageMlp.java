package dev.kiln.samples.mnist;

import dev.kiln.backend.Backend;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Flatten;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.Shape;

/**
 * The Keras MNIST multilayer perceptron: Flatten -> Dense(hidden, relu) -> Dense(classes, softmax).
 *
 * @param hidden units of the hidden layer
 */
public record ImageMlp(int hidden) implements ImageArchitecture {
    @Override
    public Model create(Backend backend, Shape image, int classes, long seed) {
        return Sequential.on(backend, new Flatten(), new Dense(hidden, ActivationFunction.RELU),
                new Dense(classes, ActivationFunction.SOFTMAX)).seed(seed);
    }
}
