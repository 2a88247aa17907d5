package dev.kiln.io;

import dev.kiln.loss.Loss;
import dev.kiln.metric.Metric;
import java.util.Arrays;
import java.util.List;

/**
 * How a saved model's outputs are scored and read: the loss and metrics it was trained with, by name, and for a
 * classifier the class names in output order, so that it can be evaluated later without repeating them.
 *
 * @param loss the loss name ("mse", "categorical_crossentropy")
 * @param metrics the metric names
 * @param classes the class name of each output (or class index), empty when the labels are numbers
 */
public record Compilation(String loss, List<String> metrics, List<String> classes) {
    public Compilation {
        metrics = List.copyOf(metrics);
        classes = List.copyOf(classes);
    }

    /** The names of {@code loss} and {@code metrics}, with numeric labels. */
    public static Compilation of(Loss loss, Metric... metrics) {
        return new Compilation(loss.name(), Arrays.stream(metrics).map(Metric::name).toList(), List.of());
    }

    /** This compilation with the class names of the outputs, in order. */
    public Compilation withClasses(List<String> names) {
        return new Compilation(loss, metrics, names);
    }
}
