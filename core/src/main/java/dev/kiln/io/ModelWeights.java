package dev.kiln.io;

import dev.kiln.model.Model;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A model's parameters as safetensors, each named {@code layer/parameter}. */
final class ModelWeights {
    private ModelWeights() {
    }

    /** The weights' values (parameters and state) by their names in the model, downloaded from the device. */
    static Map<String, StoredTensor> of(Model model) {
        Map<String, StoredTensor> out = new LinkedHashMap<>();
        model.namedWeights().forEach((name, w) -> out.put(name, StoredTensor.of(w)));
        return out;
    }

    static void write(Path file, Model model) {
        SafetensorsWriter.write(file, of(model), Map.of("format", "kiln", "kiln_version", ModelFormat.kilnVersion()));
    }

    /** Reads {@code file} into the weights of a built model, after checking every name and shape. */
    static void read(Path file, Model model) {
        Map<String, Tensor> weights = model.namedWeights();
        Map<String, Shape> expected = new LinkedHashMap<>();
        weights.forEach((name, w) -> expected.put(name, w.shape()));
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            reader.expectShapes(expected);
            weights.forEach((name, w) -> reader.read(name).copyInto(w));
        }
    }
}
