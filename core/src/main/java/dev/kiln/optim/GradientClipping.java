package dev.kiln.optim;

import dev.kiln.tensor.Tensor;
import java.util.List;

/** Rescales gradients in place before an optimizer applies them. */
public interface GradientClipping {

    /** Clips the gradients (of one step, all on one backend) in place, without reading them to the host. */
    void apply(List<Tensor> gradients);

    /** Leaves gradients unchanged. */
    static GradientClipping none() {
        return gradients -> { };
    }

    /** Clips each gradient element to [-limit, limit]. */
    static GradientClipping byValue(double limit) {
        return new ClipByValue(limit);
    }

    /** Scales all gradients together so that their global L2 norm is at most {@code maxNorm}. */
    static GradientClipping byGlobalNorm(double maxNorm) {
        return new ClipByGlobalNorm(maxNorm);
    }
}
