package dev.kiln.io;

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
}
