package dev.kiln.loss;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.function.BiFunction;

/**
 * Targets given as I32 class indices [n] or [n, 1] for predictions [n, classes], or one per step [n, steps] for
 * predictions [n, steps, classes]; losses and metrics share these.
 * Class indices are never floats: a data set's int labels reach the device as I32 tensors.
 */
public final class ClassIndices {
    private ClassIndices() {
    }

    /**
     * Fails, naming {@code owner} and both shapes, unless predictions are real [n, classes] with an I32 index tensor
     * [n] or [n, 1], or real [n, steps, classes] with indices [n, steps] or [n, steps, 1] (one class per step, as Keras
     * takes them for sequence outputs), on the same backend.
     */
    public static void check(String owner, Tensor predictions, Tensor indices) {
        Ops.checkIndexOperands(owner, predictions, indices);
        if (predictions.rank() != 2 && predictions.rank() != 3) {
            throw new KilnException(owner + ": expected predictions of shape [n, classes] or [n, steps, classes], got "
                    + predictions.shape());
        }
        Shape rows = rowsOf(predictions);
        boolean matches = indices.shape().equals(rows) || indices.shape().equals(rows.append(1));
        if (!matches) {
            throw new KilnException(owner + ": predictions of shape " + predictions.shape()
                    + " need class indices of shape " + rows + " or " + rows.append(1) + ", got targets of shape "
                    + indices.shape());
        }
    }

    /** The one-hot rows [rows, classes] of the indices, in the predictions' dtype; an index outside [0, classes) gives a zero row. */
    public static Tensor oneHot(Tensor indices, Tensor predictions) {
        return Ops.oneHot(indices.view(Shape.of(Math.toIntExact(indices.size()))), predictions.shape().dim(-1),
                predictions.dtype());
    }

    /**
     * {@code perRow} (predictions [rows, classes], indices [rows] to a value per row) per sample: the row's value for
     * predictions [n, classes], the mean over the steps for [n, steps, classes] (a softmax output reshaped keeps its
     * logits, so the fused cross-entropy applies).
     * When the predictions carry a time-step mask, padded steps count for nothing, as in Keras: each step's value is
     * weighted by its mask and the batch's weights are scaled to average one, so the batch mean is the mean over the
     * real steps.
     */
    public static Tensor perSample(Tensor predictions, Tensor indices, BiFunction<Tensor, Tensor, Tensor> perRow) {
        if (predictions.rank() == 2) {
            return perRow.apply(predictions, indices);
        }
        int n = predictions.shape().dim(0);
        int steps = predictions.shape().dim(1);
        Shape rows = Shape.of(n * steps, predictions.shape().dim(2));
        Tensor flat = Ops.reshape(predictions, rows);
        Tensor values = Ops.reshape(perRow.apply(flat, indices.view(Shape.of(n * steps))), Shape.of(n, steps));
        Tensor mask = predictions.mask();
        if (mask == null) {
            return Ops.mean(values, 1);
        }
        // the mean weight, floored at one step of the batch so that an all-padded batch gives zeros, not NaN
        Tensor meanWeight = Ops.maximum(Ops.mean(mask), Tensor.full(mask.backend(), mask.dtype(), Shape.of(),
                1.0 / (n * steps)));
        return Ops.div(Ops.mean(Ops.mul(values, mask), 1), meanWeight);
    }

    private static Shape rowsOf(Tensor predictions) {
        return predictions.rank() == 2 ? Shape.of(predictions.shape().dim(0))
                : Shape.of(predictions.shape().dim(0), predictions.shape().dim(1));
    }
}
