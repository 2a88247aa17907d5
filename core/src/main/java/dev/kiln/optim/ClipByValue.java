package dev.kiln.optim;

import dev.kiln.KilnException;
import dev.kiln.op.InPlaceOps;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** g = min(max(g, -limit), limit) element-wise, in place. */
public record ClipByValue(double limit) implements GradientClipping {

    public ClipByValue {
        if (!(limit > 0) || Double.isInfinite(limit)) {
            throw new KilnException("clip by value: limit must be a positive finite number, got " + limit);
        }
    }

    @Override
    public void apply(List<Tensor> gradients) {
        for (Tensor g : gradients) {
            InPlaceOps.clip(g, -limit, limit);
        }
    }
}
