package dev.kiln.train;

import dev.kiln.autograd.GradMode;
import dev.kiln.data.Batch;
import dev.kiln.data.Dataset;
import dev.kiln.data.MiniBatches;
import dev.kiln.layer.ForwardContext;
import dev.kiln.model.Model;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;

/** Loss and metrics of a model over data, in inference mode and without gradients. */
public final class Evaluator {
    private Evaluator() {
    }

    /** Evaluates {@code model} (compiled with {@code setup}) on every sample of {@code data}. */
    public static Evaluation evaluate(Model model, TrainingSetup setup, Dataset data, int batchSize, boolean checkFinite) {
        if (!model.isBuilt()) {
            model.build(data.featureShape());
        }
        DataValidation.check(model, setup.loss(), data, "evaluation data", checkFinite);
        MiniBatches batches = new MiniBatches(data, 0, data.size(), batchSize, model.backend(), model.dtype());
        try (MetricTotals totals = new MetricTotals(setup.metrics(), model.backend(), model.dtype())) {
            return run(model, setup, batches, totals);
        }
    }

    /** Runs every batch of {@code batches}; {@code totals} is reset first. */
    static Evaluation run(Model model, TrainingSetup setup, MiniBatches batches, MetricTotals totals) {
        totals.reset();
        double lossSum = 0;
        try (GradMode.Restore ignored = GradMode.disabled()) {
            for (int b = 0; b < batches.batchCount(); b++) {
                try (MemoryScope step = MemoryScope.open()) {
                    Batch batch = batches.load(b);
                    Tensor predictions = model.forward(batch.features(), ForwardContext.inference());
                    lossSum += setup.loss().compute(predictions, batch.labels()).item() * batch.size();
                    totals.add(predictions, batch.labels());
                }
            }
        }
        int n = batches.sampleCount();
        return new Evaluation(lossSum / n, totals.means(n), n);
    }
}
