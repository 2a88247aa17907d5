package dev.kiln.metric;

import dev.kiln.op.InPlaceOps;
import dev.kiln.tensor.Tensor;

/**
 * A quantity reported during training, averaged over samples: each batch contributes a device-side total,
 * and the epoch value is the sum of totals divided by the number of samples, read once per epoch.
 */
public interface Metric {

    /** Short name for logs and history columns ("accuracy", "mae"). */
    String name();

    /** Sum over the batch's samples of this metric (a one-element tensor; not differentiable). */
    Tensor batchTotal(Tensor predictions, Tensor targets);

    /**
     * total += {@link #batchTotal}, for a one-element {@code total} of the predictions' backend and dtype; metrics
     * that can count straight into the total (the accuracies) do it in one device call.
     */
    default void addBatchTotal(Tensor total, Tensor predictions, Tensor targets) {
        InPlaceOps.addInto(total, batchTotal(predictions, targets));
    }
}
