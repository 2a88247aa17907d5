package dev.kiln.samples;

import dev.kiln.samples.training.SeriesPlot;
import dev.kiln.train.Evaluation;
import dev.kiln.train.History;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a sample training produced, for the summary and the history file.
 *
 * @param history the per-epoch record of training
 * @param parameters parameters of the model
 * @param test loss and metrics on the held-out test set, or null without one
 * @param predictions the model's output for the sample's named examples, empty without any
 * @param measures what the sample measures of its own model ("test_mse", "exact_match"), by summary field name
 * @param plots panels the sample adds to the training chart (a forecast against the series)
 */
public record SampleResult(History history, long parameters, Evaluation test, Map<String, Double> predictions,
                           Map<String, Object> measures, List<SeriesPlot> plots) {
    public SampleResult {
        predictions = Collections.unmodifiableMap(new LinkedHashMap<>(predictions));
        measures = Collections.unmodifiableMap(new LinkedHashMap<>(measures));
        plots = List.copyOf(plots);
    }

    /** A result without measures of its own or extra plots. */
    public SampleResult(History history, long parameters, Evaluation test, Map<String, Double> predictions) {
        this(history, parameters, test, predictions, Map.of(), List.of());
    }
}
