package dev.kiln.train;

import dev.kiln.autograd.Autograd;
import dev.kiln.backend.PendingDownload;
import dev.kiln.data.Batch;
import dev.kiln.data.MiniBatches;
import dev.kiln.layer.ForwardContext;
import dev.kiln.optim.Optimizer;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** One optimisation step: forward, loss, backward, update, metrics; every intermediate freed at its end. */
final class TrainStep implements StepRunner {
    private final TrainableModel model;
    private final Objective objective;
    private final Optimizer optimizer;
    private final DataLayout layout;
    private final List<Tensor> trainable;
    private final MetricTotals totals;
    /** The loss's gradient, a one-element tensor of ones made at the first step and kept, so no step fills one. */
    private Tensor unitGradient;

    TrainStep(TrainableModel model, Objective objective, Optimizer optimizer, DataLayout layout, MetricTotals totals) {
        this.model = model;
        this.objective = objective;
        this.optimizer = optimizer;
        this.layout = layout;
        this.trainable = model.trainableParameters();
        this.totals = totals;
    }

    @Override
    public void startEpoch(int epoch) {
        totals.reset();
    }

    /**
     * Trains on batch {@code index} of {@code batches} as the model's next training step (its count numbers the
     * step's random stream, across fits and resumes), running {@code afterGradients} between the backward pass and
     * the update; returns its total loss, the one value read back per step, read without waiting once the update is
     * queued. Per-output losses, the penalty and the metrics stay on the device.
     */
    @Override
    public PendingDownload run(MiniBatches batches, int index, Runnable afterGradients) {
        long step = model.trainingSteps();
        model.trainingSteps(step + 1);
        try (MemoryScope scope = MemoryScope.open()) {
            Batch batch = batches.load(index);
            List<Tensor> targets = layout.targets(batch);
            List<Tensor> predictions = model.forwardAll(layout.inputs(batch),
                    ForwardContext.training(model.seed(), step));
            Objective.Parts loss = objective.compute(predictions, targets);
            Autograd.gradients(loss.total(), trainable, unitGradient(loss.total()));
            afterGradients.run();
            optimizer.step(trainable);
            objective.accumulate(totals, loss, predictions, targets, batch.size());
            return loss.total().itemLater();
        }
    }

    @Override
    public Map<String, Double> metricMeans(int samples) {
        return totals.means(samples);
    }

    private Tensor unitGradient(Tensor loss) {
        if (unitGradient == null || !unitGradient.shape().equals(loss.shape())) {
            if (unitGradient != null) {
                unitGradient.close();
            }
            unitGradient = Tensor.full(loss.backend(), loss.dtype(), loss.shape(), 1.0).keep();
        }
        return unitGradient;
    }

    @Override
    public void close() {
        if (unitGradient != null) {
            unitGradient.close();
            unitGradient = null;
        }
    }
}
