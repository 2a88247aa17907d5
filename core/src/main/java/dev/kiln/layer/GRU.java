package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.op.RecurrentCell;
import dev.kiln.op.ShapeOps;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Gated recurrent unit, Keras's {@code GRU} with its default {@code reset_after=True} (the formula PyTorch and
 * cuDNN use): gates in the order z, r, h; z = sigmoid(x W_z + h U_z + b), r = sigmoid(x W_r + h U_r + b),
 * hh = tanh(x W_h + b_h + r * (h U_h + b'_h)), h' = z * h + (1 - z) * hh. The bias is [2, 3 * units] as in Keras:
 * row 0 is added to the input projections, row 1 to the recurrent product.
 */
public final class GRU extends RecurrentLayer<GRU> {

    /** A layer of {@code units} units. */
    public GRU(int units) {
        super(RecurrentCell.GRU, units);
    }

    @Override
    GRU copySettings() {
        return copySettingsTo(new GRU(units()));
    }

    @Override
    Shape biasShape() {
        return Shape.of(2, 3 * units());
    }

    @Override
    Tensor inputBias(Tensor bias) {
        return Ops.reshape(ShapeOps.narrow(bias, 0, 0, 1), Shape.of(3 * units()));
    }

    @Override
    Tensor recurrentBias(Tensor bias) {
        return Ops.reshape(ShapeOps.narrow(bias, 0, 1, 1), Shape.of(3 * units()));
    }
}
