package dev.kiln.regularizer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** The built-in regularizers, by their Keras names. */
public final class Regularizers {
    private Regularizers() {
    }

    /** penalty(w) = factor * sum(|w|). */
    public static Regularizer l1(double factor) {
        return new L1L2(factor, 0);
    }

    /** penalty(w) = factor * sum(w^2). */
    public static Regularizer l2(double factor) {
        return new L1L2(0, factor);
    }

    /** penalty(w) = l1 * sum(|w|) + l2 * sum(w^2). */
    public static Regularizer l1l2(double l1, double l2) {
        return new L1L2(l1, l2);
    }

    /** The sum of every weight's penalty, a one-element differentiable tensor; null when {@code weights} is empty. */
    public static Tensor totalPenalty(List<RegularizedWeight> weights) {
        Tensor total = null;
        for (RegularizedWeight w : weights) {
            Tensor p = w.penalty();
            total = total == null ? p : Ops.add(total, p);
        }
        return total;
    }
}
