package dev.kiln.layer;

import dev.kiln.op.RecurrentCell;

/** The simple recurrent layer, Keras's {@code SimpleRNN}: h' = tanh(x · kernel + h · recurrent_kernel + bias). */
public final class SimpleRNN extends RecurrentLayer<SimpleRNN> {

    /** A layer of {@code units} units. */
    public SimpleRNN(int units) {
        super(RecurrentCell.SIMPLE, units);
    }

    @Override
    SimpleRNN copySettings() {
        return copySettingsTo(new SimpleRNN(units()));
    }
}
