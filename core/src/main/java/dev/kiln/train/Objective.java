package dev.kiln.train;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradMode;
import dev.kiln.metric.Metric;
import dev.kiln.op.Ops;
import dev.kiln.regularizer.RegularizedWeight;
import dev.kiln.regularizer.Regularizers;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The loss a compiled model minimises and the quantities reported beside it. The total loss is
 * sum over outputs of weight * loss + the regularization penalty, as in Keras. With several outputs each output's
 * weighted loss is reported as {@code <output>_loss} (so the output losses and the penalty add up to {@code loss}),
 * and its metrics as {@code <output>_<metric>}; a model with regularized weights reports the penalty as
 * {@code regularization_loss}. A single-output model without regularizers reports its metrics under their own
 * names, as before.
 */
final class Objective {
    static final String REGULARIZATION_LOSS = "regularization_loss";

    private final List<OutputHead> heads;
    private final List<RegularizedWeight> regularized;
    private final boolean reportOutputLosses;
    private final List<String> quantities = new ArrayList<>();

    /** The objective of {@code model} compiled with {@code setup}; the model's shapes must be known. */
    Objective(TrainableModel model, TrainingSetup setup) {
        this.heads = setup.heads(model.outputNames());
        this.regularized = model.regularizedWeights();
        this.reportOutputLosses = heads.size() > 1;
        if (reportOutputLosses) {
            heads.forEach(h -> quantities.add(h.name() + "_loss"));
        }
        if (!regularized.isEmpty()) {
            quantities.add(REGULARIZATION_LOSS);
        }
        for (OutputHead h : heads) {
            for (Metric m : h.metrics()) {
                quantities.add(h.prefix() + m.name());
            }
        }
        Set<String> seen = new HashSet<>();
        seen.add("loss");
        for (String q : quantities) {
            if (!seen.add(q)) {
                throw new KilnException("two reported quantities are named '" + q + "' (or one is named 'loss');"
                        + " rename an output or a metric");
            }
        }
    }

    List<OutputHead> heads() {
        return heads;
    }

    /** The names of the quantities accumulated on the device, in report order. */
    List<String> quantities() {
        return quantities;
    }

    /**
     * The total loss and its parts for one batch, differentiable when gradients are enabled.
     *
     * @param total the loss that is minimised
     * @param terms each output's weighted loss
     * @param penalty the regularization penalty, or null without regularizers
     */
    record Parts(Tensor total, List<Tensor> terms, Tensor penalty) {
    }

    Parts compute(List<Tensor> predictions, List<Tensor> targets) {
        List<Tensor> terms = new ArrayList<>();
        Tensor total = null;
        for (int i = 0; i < heads.size(); i++) {
            OutputHead h = heads.get(i);
            Tensor term = h.loss().compute(predictions.get(h.index()), targets.get(i));
            if (h.weight() != 1) {
                term = Ops.affine(term, h.weight(), 0);
            }
            terms.add(term);
            total = total == null ? term : Ops.add(total, term);
        }
        Tensor penalty = Regularizers.totalPenalty(regularized);
        if (penalty != null) {
            total = Ops.add(total, penalty);
        }
        return new Parts(total, terms, penalty);
    }

    /** Adds a batch's parts and metrics to the device-side totals (as sums over its samples); no host transfer. */
    void accumulate(MetricTotals totals, Parts parts, List<Tensor> predictions, List<Tensor> targets, int batchSize) {
        try (GradMode.Restore ignored = GradMode.disabled()) {
            int slot = 0;
            if (reportOutputLosses) {
                for (Tensor term : parts.terms()) {
                    totals.add(slot++, Ops.affine(term, batchSize, 0));
                }
            }
            if (parts.penalty() != null) {
                totals.add(slot++, Ops.affine(parts.penalty(), batchSize, 0));
            }
            for (int i = 0; i < heads.size(); i++) {
                OutputHead h = heads.get(i);
                for (Metric m : h.metrics()) {
                    totals.add(slot++, m, predictions.get(h.index()), targets.get(i));
                }
            }
        }
    }
}
