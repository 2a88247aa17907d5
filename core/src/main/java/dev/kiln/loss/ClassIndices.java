package dev.kiln.loss;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/** Targets given as class indices [n] or [n, 1] for predictions [n, classes]; losses and metrics share these. */
public final class ClassIndices {
    private ClassIndices() {
    }

    /** Fails, naming {@code owner} and both shapes, unless predictions are [n, classes] and indices [n] or [n, 1]. */
    public static void check(String owner, Tensor predictions, Tensor indices) {
        CategoricalCrossEntropy.requireMatrix(owner, predictions);
        int n = predictions.shape().dim(0);
        boolean column = indices.rank() == 2 && indices.shape().dim(1) == 1;
        if (!(indices.rank() == 1 || column) || indices.shape().dim(0) != n) {
            throw new KilnException(owner + ": predictions of shape " + predictions.shape()
                    + " need class indices of shape [" + n + "] or [" + n + ", 1], got targets of shape "
                    + indices.shape());
        }
    }

    /** The one-hot rows [n, classes] of the indices; an index outside [0, classes) gives a zero row. */
    public static Tensor oneHot(Tensor indices, int classes) {
        return Ops.oneHot(indices.view(Shape.of(indices.shape().dim(0))), classes);
    }
}
