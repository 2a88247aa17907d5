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
 * @param loss mean training loss over the epoch's samples; NaN when the loop has no single loss
 * @param metrics training metrics by name, averaged over the epoch's samples
 * @param validationLoss mean validation loss after the epoch, NaN without validation data
 * @param validationMetrics validation metrics by name, empty without validation data
 * @param seconds wall-clock seconds of the epoch, validation included
 * @param samplesPerSecond training samples per second of training time
 * @param learningRate the optimizer's learning rate during the epoch
 * @param hasLoss whether the loop minimised one loss, reported as "loss" ({@code fit}); a loop of one's own
 *     with several (a GAN's two players) reports each among the metrics instead
 */
public record EpochResult(int epoch, double loss, Map<String, Double> metrics, double validationLoss,
                          Map<String, Double> validationMetrics, double seconds, double samplesPerSecond,
                          double learningRate, boolean hasLoss) {
    public EpochResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        validationMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(validationMetrics));
    }

    /** An epoch of a loop that minimised one loss. */
    public EpochResult(int epoch, double loss, Map<String, Double> metrics, double validationLoss,
                       Map<String, Double> validationMetrics, double seconds, double samplesPerSecond,
                       double learningRate) {
        this(epoch, loss, metrics, validationLoss, validationMetrics, seconds, samplesPerSecond, learningRate, true);
    }

    /** An epoch of a loop without one loss, reporting {@code measures} by name (no validation). */
    public static EpochResult ofMeasures(int epoch, Map<String, Double> measures, double seconds,
                                         double samplesPerSecond, double learningRate) {
        return new EpochResult(epoch, Double.NaN, measures, Double.NaN, Map.of(), seconds, samplesPerSecond,
                learningRate, false);
    }

    /** Whether the epoch was validated. */
    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }

    /**
     * Every quantity of this epoch by its history key: "loss" (when it {@link #hasLoss has one}), metric names,
     * "val_loss", "val_" + metric names.
     */
    public Map<String, Double> values() {
        Map<String, Double> all = new LinkedHashMap<>();
        if (hasLoss) {
            all.put("loss", loss);
        }
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
