package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.op.RecurrentCell;
import dev.kiln.op.ShapeOps;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Gated recurrent unit, Keras's {@code GRU}: gates in the order z, r, h. By default the reset gate applies after the
 * recurrent product ({@code reset_after=True}, the formula PyTorch and cuDNN use): z = sigmoid(x W_z + h U_z + b),
 * r = sigmoid(x W_r + h U_r + b), hh = tanh(x W_h + b_h + r * (h U_h + b'_h)), h' = z * h + (1 - z) * hh, with a
 * bias [2, 3 * units] as in Keras: row 0 is added to the input projections, row 1 to the recurrent product. With
 * {@link #resetAfter resetAfter(false)} it applies before: hh = tanh(x W_h + (r * h) U_h + b_h), with one bias
 * [3 * units] added to the input projections.
 */
public final class GRU extends RecurrentLayer<GRU> {

    /** A layer of {@code units} units. */
    public GRU(int units) {
        super(RecurrentCell.GRU, units);
    }

    /** Whether the reset gate applies after the recurrent product (Keras's {@code reset_after}). */
    public boolean resetAfter() {
        return cell() == RecurrentCell.GRU;
    }

    /** Applies the reset gate after the recurrent product (true, the default) or to h before it (false). */
    public GRU resetAfter(boolean value) {
        checkConfigurable("change resetAfter of");
        cell(value ? RecurrentCell.GRU : RecurrentCell.GRU_RESET_BEFORE);
        return this;
    }

    @Override
    GRU copySettings() {
        return copySettingsTo(new GRU(units()));
    }

    @Override
    Shape biasShape() {
        return resetAfter() ? Shape.of(2, 3 * units()) : super.biasShape();
    }

    @Override
    Tensor inputBias(Tensor bias) {
        return resetAfter() ? Ops.reshape(ShapeOps.narrow(bias, 0, 0, 1), Shape.of(3 * units())) : bias;
    }

    @Override
    Tensor recurrentBias(Tensor bias) {
        return resetAfter() ? Ops.reshape(ShapeOps.narrow(bias, 0, 1, 1), Shape.of(3 * units())) : null;
    }
}
