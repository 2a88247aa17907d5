package dev.kiln.io;

import dev.kiln.loss.Loss;
import dev.kiln.metric.Metric;
import java.util.Arrays;
import java.util.List;

/**
 * The loss and metrics a saved model was trained with, by name, so that it can be evaluated later without
 * repeating them.
 *
 * @param loss the loss name ("mse", "categorical_crossentropy")
 * @param metrics the metric names
 */
public record Compilation(String loss, List<String> metrics) {
    public Compilation {
        metrics = List.copyOf(metrics);
    }

    /** The names of {@code loss} and {@code metrics}. */
    public static Compilation of(Loss loss, Metric... metrics) {
        return new Compilation(loss.name(), Arrays.stream(metrics).map(Metric::name).toList());
    }
}
