package dev.kiln.layer;

import dev.kiln.init.Initializer;
import dev.kiln.op.InPlaceOps;
import dev.kiln.op.RecurrentCell;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Long short-term memory, Keras's {@code LSTM} (Hochreiter and Schmidhuber, 1997) with its weight layout: the
 * kernel, recurrent kernel and bias hold the gates in the order i, f, c, o; i = sigmoid(.), f = sigmoid(.),
 * g = tanh(.), o = sigmoid(.), c' = f * c + i * g, h' = o * tanh(c'). As Keras's {@code unit_forget_bias}, the
 * forget gate's bias starts at 1 (on by default).
 */
public final class LSTM extends RecurrentLayer<LSTM> {
    private boolean unitForgetBias = true;

    /** A layer of {@code units} units. */
    public LSTM(int units) {
        super(RecurrentCell.LSTM, units);
    }

    /** Whether the forget gate's bias starts at 1 rather than at the bias initializer's values (true by default). */
    public boolean unitForgetBias() {
        return unitForgetBias;
    }

    /** Starts the forget gate's bias at 1 (true, the default) or at the bias initializer's values. */
    public LSTM unitForgetBias(boolean value) {
        checkConfigurable("change unitForgetBias of");
        this.unitForgetBias = value;
        return this;
    }

    @Override
    LSTM copySettings() {
        return copySettingsTo(new LSTM(units())).unitForgetBias(unitForgetBias);
    }

    @Override
    Initializer biasInitializerFor(Initializer initializer) {
        if (!unitForgetBias) {
            return initializer;
        }
        int units = units();
        return (bias, fanIn, fanOut, seed) -> {
            initializer.initialize(bias, fanIn, fanOut, seed);
            try (Tensor ones = Tensor.full(bias.backend(), bias.dtype(), Shape.of(units), 1)) {
                InPlaceOps.assign(bias, units, ones);
            }
        };
    }
}
