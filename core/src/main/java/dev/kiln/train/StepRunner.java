package dev.kiln.train;

import dev.kiln.backend.PendingDownload;
import dev.kiln.data.MiniBatches;
import java.util.Map;

/** How {@code fit} runs its training steps and sums an epoch's metrics: on the model's device, or on several. */
interface StepRunner extends AutoCloseable {

    /** Starts epoch {@code epoch}: the metric totals start again from zero. */
    void startEpoch(int epoch);

    /**
     * Trains on batch {@code index} of {@code batches} as the model's next training step, running
     * {@code afterGradients} between the backward pass and the update; returns the step's total loss, which may still
     * be on its way from the device.
     */
    PendingDownload run(MiniBatches batches, int index, Runnable afterGradients);

    /** The metrics of the epoch so far, each the mean over {@code samples}. */
    Map<String, Double> metricMeans(int samples);

    /** Frees what the runner holds beside the model and the trainer's totals; nothing by default. */
    @Override
    default void close() {
    }
}
