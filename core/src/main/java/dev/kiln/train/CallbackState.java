package dev.kiln.train;

import dev.kiln.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link StatefulCallback} needs to continue: numbers, names, and tensors (kept weights) by name.
 *
 * @param values numbers by key ("best", "epochs_without_improvement"); only finite ones are stored
 * @param labels texts by key ("monitor")
 * @param tensors tensors by name, on the model's backend
 */
public record CallbackState(Map<String, Double> values, Map<String, String> labels, Map<String, Tensor> tensors) {
    public CallbackState {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }
}
