package dev.kiln.train;

import dev.kiln.KilnException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loss and metrics of a model on a data set, averaged over its samples.
 *
 * @param loss mean loss
 * @param metrics metric values by name
 * @param samples number of samples evaluated
 */
public record Evaluation(double loss, Map<String, Double> metrics, int samples) {
    public Evaluation {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The metric named {@code name}. */
    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new KilnException("no metric '" + name + "'; the model was compiled with " + metrics.keySet());
        }
        return v;
    }
}
