package dev.kiln.regularizer;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/**
 * The L1 and L2 penalties of Keras: penalty(w) = l1 * sum(|w|) + l2 * sum(w^2) (no factor 1/2 on the L2 term).
 * The gradient of |w| at w = 0 is taken as 0.
 *
 * @param l1 factor of the sum of absolute values, at least 0
 * @param l2 factor of the sum of squares, at least 0
 */
public record L1L2(double l1, double l2) implements Regularizer {
    public L1L2 {
        if (!(l1 >= 0 && l2 >= 0) || Double.isInfinite(l1) || Double.isInfinite(l2)) {
            throw new KilnException("regularization factors must be finite and at least 0, got l1 = " + l1
                    + " and l2 = " + l2);
        }
    }

    @Override
    public Tensor penalty(Tensor weight) {
        Tensor total = null;
        if (l1 != 0) {
            total = Ops.affine(Ops.sum(Ops.abs(weight)), l1, 0);
        }
        if (l2 != 0) {
            Tensor squares = Ops.affine(Ops.sum(Ops.square(weight)), l2, 0);
            total = total == null ? squares : Ops.add(total, squares);
        }
        return total == null ? Ops.affine(Ops.sum(weight), 0, 0) : total;
    }
}
