package dev.kiln.train;

import dev.kiln.autograd.GradMode;
import dev.kiln.data.Batch;
import dev.kiln.data.MiniBatches;
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

    /** Trains on batch {@code index} of {@code batches}; returns its loss, the one value read back per step. */
    double run(MiniBatches batches, int index) {
        try (MemoryScope step = MemoryScope.open()) {
            Batch batch = batches.load(index);
            Tensor predictions = model.forward(batch.features(), true);
            Tensor loss = setup.loss().compute(predictions, batch.labels());
            double value = loss.item();
            if (!Double.isFinite(value)) {
                return value;
            }
            loss.backward();
            setup.optimizer().step(trainable);
            try (GradMode.Restore ignored = GradMode.disabled()) {
                totals.add(predictions, batch.labels());
            }
            return value;
        }
    }
}
