package dev.kiln.train;

import dev.kiln.KilnException;
import dev.kiln.loss.Loss;
import dev.kiln.metric.Metric;
import dev.kiln.optim.Optimizer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a model was compiled with.
 *
 * @param loss the objective
 * @param optimizer updates the trainable parameters; owned by the model from then on
 * @param metrics reported per epoch besides the loss
 */
public record TrainingSetup(Loss loss, Optimizer optimizer, List<Metric> metrics) {
    public TrainingSetup {
        if (loss == null || optimizer == null) {
            throw new KilnException("compile needs a loss and an optimizer");
        }
        metrics = List.copyOf(metrics);
        Set<String> names = new HashSet<>();
        names.add("loss");
        for (Metric m : metrics) {
            if (!names.add(m.name())) {
                throw new KilnException("metric name '" + m.name() + "' is used twice (or clashes with 'loss')");
            }
        }
    }
}
