package dev.kiln.samples;

import dev.kiln.train.Evaluation;
import dev.kiln.train.History;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a sample training produced, for the summary and the history file.
 *
 * @param history the per-epoch record of training
 * @param parameters parameters of the model
 * @param test loss and metrics on the held-out test set, or null without one
 * @param predictions the model's output for the sample's named examples, empty without any
 */
public record SampleResult(History history, long parameters, Evaluation test,
                           Map<String, Double> predictions) {
    public SampleResult {
        predictions = Collections.unmodifiableMap(new LinkedHashMap<>(predictions));
    }
}
