package dev.kiln.samples.mnist;

import dev.kiln.backend.Backend;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.LSTM;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.Shape;

/**
 * An image read row by row as a sequence: each of its rows is one time step of {@code width} pixels, an LSTM reads
 * them top to bottom, and its last output is classified: LSTM(units) -> Dense(classes, softmax).
 *
 * @param units units of the LSTM
 */
public record RowLstm(int units) implements ImageArchitecture {
    @Override
    public Model create(Backend backend, Shape image, int classes, long seed) {
        return Sequential.on(backend, new LSTM(units), new Dense(classes, ActivationFunction.SOFTMAX)).seed(seed);
    }
}
