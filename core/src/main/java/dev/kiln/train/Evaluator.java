package dev.kiln.train;

import dev.kiln.autograd.GradMode;
import dev.kiln.data.Batch;
import dev.kiln.data.Dataset;
import dev.kiln.data.MiniBatches;
import dev.kiln.layer.ForwardContext;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** Loss and metrics of a model over data, in inference mode and without gradients. */
public final class Evaluator {
    private Evaluator() {
    }

    /** Evaluates {@code model} (compiled with {@code setup}) on every sample of {@code data}. */
    public static Evaluation evaluate(TrainableModel model, TrainingSetup setup, Dataset data, int batchSize,
                                      boolean checkFinite) {
        Trainer.buildFor(model, data);
        Objective objective = new Objective(model, setup);
        DataLayout layout = DataValidation.check(model, objective, data, "evaluation data", checkFinite);
        MiniBatches batches = new MiniBatches(data, 0, data.size(), batchSize, model.backend(), model.dtype(),
                layout.labelTypes(objective, data, model.dtype()));
        try (MetricTotals totals = new MetricTotals(objective.quantities(), model.backend(), model.dtype())) {
            return run(model, objective, layout, batches, totals);
        }
    }

    /** Runs every batch of {@code batches}; {@code totals} is reset first. */
    static Evaluation run(TrainableModel model, Objective objective, DataLayout layout, MiniBatches batches,
                          MetricTotals totals) {
        totals.reset();
        double lossSum = 0;
        try (GradMode.Restore ignored = GradMode.disabled()) {
            for (int b = 0; b < batches.batchCount(); b++) {
                try (MemoryScope step = MemoryScope.open()) {
                    Batch batch = batches.load(b);
                    List<Tensor> targets = layout.targets(batch);
                    List<Tensor> predictions = model.forwardAll(layout.inputs(batch), ForwardContext.inference());
                    Objective.Parts loss = objective.compute(predictions, targets);
                    objective.accumulate(totals, loss, predictions, targets, batch.size());
                    lossSum += loss.total().item() * batch.size();
                }
            }
        }
        int n = batches.sampleCount();
        return new Evaluation(lossSum / n, totals.means(n), n);
    }
}
