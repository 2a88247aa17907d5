package dev.kiln.loss;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Targets given as I32 class indices [n] or [n, 1] for predictions [n, classes]; losses and metrics share these.
 * Class indices are never floats: a data set's int labels reach the device as I32 tensors.
 */
public final class ClassIndices {
    private ClassIndices() {
    }

    /**
     * Fails, naming {@code owner} and both shapes, unless predictions are real [n, classes] and indices an I32
     * tensor [n] or [n, 1] on the same backend.
     */
    public static void check(String owner, Tensor predictions, Tensor indices) {
        Ops.checkIndexOperands(owner, predictions, indices);
        CategoricalCrossEntropy.requireMatrix(owner, predictions);
        int n = predictions.shape().dim(0);
        boolean column = indices.rank() == 2 && indices.shape().dim(1) == 1;
        if (!(indices.rank() == 1 || column) || indices.shape().dim(0) != n) {
            throw new KilnException(owner + ": predictions of shape " + predictions.shape()
                    + " need class indices of shape [" + n + "] or [" + n + ", 1], got targets of shape "
                    + indices.shape());
        }
    }

    /** The one-hot rows [n, classes] of the indices, in the predictions' dtype; an index outside [0, classes) gives a zero row. */
    public static Tensor oneHot(Tensor indices, Tensor predictions) {
        return Ops.oneHot(indices.view(Shape.of(indices.shape().dim(0))), predictions.shape().dim(1),
                predictions.dtype());
    }
}
