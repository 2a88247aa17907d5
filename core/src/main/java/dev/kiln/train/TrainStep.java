package dev.kiln.train;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradMode;
import dev.kiln.data.Batch;
import dev.kiln.data.MiniBatches;
import dev.kiln.layer.ForwardContext;
import dev.kiln.model.Model;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** One optimisation step: forward, loss, backward, update, metrics; every intermediate freed at its end. */
final class TrainStep {
    private final Model model;
    private final TrainingSetup setup;
    private final List<Tensor> trainable;
    private final MetricTotals totals;

    TrainStep(Model model, TrainingSetup setup, MetricTotals totals) {
        this.model = model;
        this.setup = setup;
        this.trainable = model.trainableParameters();
        this.totals = totals;
    }

    /**
     * Trains on batch {@code index} of {@code batches} as global step {@code step} (which fixes the step's random
     * stream); returns its loss, the one value read back per step, after the update is queued so that the device
     * never waits for the host in between.
     */
    double run(MiniBatches batches, int index, long step) {
        try (MemoryScope scope = MemoryScope.open()) {
            Batch batch = batches.load(index);
            Tensor predictions = model.forward(batch.features(), ForwardContext.training(model.seed(), step));
            Tensor loss = setup.loss().compute(predictions, batch.labels());
            Autograd.gradients(loss, trainable);
            setup.optimizer().step(trainable);
            try (GradMode.Restore ignored = GradMode.disabled()) {
                totals.add(predictions, batch.labels());
            }
            return loss.item();
        }
    }
}
