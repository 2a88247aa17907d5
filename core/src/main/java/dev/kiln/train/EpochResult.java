package dev.kiln.train;

import dev.kiln.KilnException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one epoch measured.
 *
 * @param epoch 1-based epoch number
 * @param loss mean training loss over the epoch's samples
 * @param metrics training metrics by name, averaged over the epoch's samples
 * @param validationLoss mean validation loss after the epoch, NaN without validation data
 * @param validationMetrics validation metrics by name, empty without validation data
 * @param seconds wall-clock seconds of the epoch, validation included
 * @param samplesPerSecond training samples per second of training time
 * @param learningRate the optimizer's learning rate during the epoch
 */
public record EpochResult(int epoch, double loss, Map<String, Double> metrics, double validationLoss,
                          Map<String, Double> validationMetrics, double seconds, double samplesPerSecond,
                          double learningRate) {
    public EpochResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        validationMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(validationMetrics));
    }

    /** Whether the epoch was validated. */
    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }

    /** Every quantity of this epoch by its history key: "loss", metric names, "val_loss", "val_" + metric names. */
    public Map<String, Double> values() {
        Map<String, Double> all = new LinkedHashMap<>();
        all.put("loss", loss);
        all.putAll(metrics);
        if (hasValidation()) {
            all.put("val_loss", validationLoss);
            validationMetrics.forEach((k, v) -> all.put("val_" + k, v));
        }
        return all;
    }

    /** The quantity named {@code key} (see {@link #values()}). */
    public double value(String key) {
        Double v = values().get(key);
        if (v == null) {
            List<String> known = new ArrayList<>(values().keySet());
            throw new KilnException("no quantity '" + key + "' in the training history; known: " + known);
        }
        return v;
    }
}
