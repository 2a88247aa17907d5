package dev.kiln.train;

import dev.kiln.KilnException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much each output's loss counts in the total a multi-output model minimises: total loss = sum over outputs of
 * weight * loss (plus any regularization penalty), as Keras's {@code loss_weights}. Weights are given by output
 * name (outputs left out weigh 1) or one per output in the model's order.
 */
public final class LossWeights {
    private static final LossWeights NONE = new LossWeights(Map.of(), null);

    private final Map<String, Double> byName;
    private final double[] byPosition;

    private LossWeights(Map<String, Double> byName, double[] byPosition) {
        this.byName = byName;
        this.byPosition = byPosition;
    }

    /** Every output weighs 1. */
    public static LossWeights none() {
        return NONE;
    }

    /** The weight of each named output; outputs not named weigh 1. */
    public static LossWeights of(Map<String, Double> weights) {
        Map<String, Double> copy = new LinkedHashMap<>();
        weights.forEach((name, w) -> copy.put(name, check(w, "output '" + name + "'")));
        return new LossWeights(Collections.unmodifiableMap(copy), null);
    }

    /** One weight per output, in the model's output order. */
    public static LossWeights of(double... weights) {
        for (int i = 0; i < weights.length; i++) {
            check(weights[i], "output " + i);
        }
        return new LossWeights(Map.of(), weights.clone());
    }

    private static double check(Double w, String what) {
        if (w == null || !Double.isFinite(w) || w < 0) {
            throw new KilnException("the loss weight of " + what + " must be finite and at least 0, got " + w);
        }
        return w;
    }

    /** The weight of each output named in {@code outputs}, in that order; fails on names or counts that do not fit. */
    List<Double> resolve(List<String> outputs) {
        if (byPosition != null) {
            if (byPosition.length != outputs.size()) {
                throw new KilnException(byPosition.length + " loss weights for a model of " + outputs.size()
                        + " outputs " + outputs + "; give one per output, or weights by output name");
            }
            return Arrays.stream(byPosition).boxed().toList();
        }
        for (String name : byName.keySet()) {
            if (!outputs.contains(name)) {
                throw new KilnException("loss weight for '" + name + "', which is not an output of the model; its"
                        + " outputs are " + outputs);
            }
        }
        return outputs.stream().map(o -> byName.getOrDefault(o, 1.0)).toList();
    }

    @Override
    public String toString() {
        return byPosition != null ? Arrays.toString(byPosition) : byName.toString();
    }
}
