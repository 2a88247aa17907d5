package dev.kiln.optim;

import dev.kiln.KilnException;
import dev.kiln.op.InPlaceOps;
import dev.kiln.op.Ops;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * g *= maxNorm / max(norm, maxNorm) for every gradient, with norm = sqrt(sum over all gradients of g^2);
 * computed on the device, so the host never reads the norm.
 */
public record ClipByGlobalNorm(double maxNorm) implements GradientClipping {

    public ClipByGlobalNorm {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new KilnException("clip by global norm: max norm must be a positive finite number, got " + maxNorm);
        }
    }

    @Override
    public void apply(List<Tensor> gradients) {
        if (gradients.isEmpty()) {
            return;
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor total = null;
            for (Tensor g : gradients) {
                Tensor squares = Ops.sum(Ops.square(g));
                total = total == null ? squares : Ops.add(total, squares);
            }
            // max(norm, maxNorm) keeps the factor finite (exactly 1) when every gradient is zero.
            Tensor factor = Ops.affine(Ops.reciprocal(Ops.clip(Ops.sqrt(total), maxNorm, Double.MAX_VALUE)), maxNorm, 0);
            for (Tensor g : gradients) {
                InPlaceOps.scale(g, factor);
            }
        }
    }
}
