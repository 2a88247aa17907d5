package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.model.Model;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A model's parameters as safetensors, each named {@code layer/parameter}. */
final class ModelWeights {
    private ModelWeights() {
    }

    /** The parameters' values, downloaded from the device. */
    static Map<String, StoredTensor> of(Model model) {
        Map<String, StoredTensor> out = new LinkedHashMap<>();
        for (Tensor p : model.parameters()) {
            if (out.put(p.name(), StoredTensor.of(p)) != null) {
                throw new KilnException("two parameters are named '" + p.name() + "'; parameter names must be unique");
            }
        }
        return out;
    }

    static void write(Path file, Model model) {
        SafetensorsWriter.write(file, of(model), Map.of("format", "kiln", "kiln_version", ModelFormat.kilnVersion()));
    }

    /** Reads {@code file} into the parameters of a built model, after checking every name and shape. */
    static void read(Path file, Model model) {
        read(file, model.parameters());
    }

    /** Reads {@code file} into {@code parameters}, after checking every name and shape. */
    static void read(Path file, List<Tensor> parameters) {
        Map<String, Shape> expected = new LinkedHashMap<>();
        for (Tensor p : parameters) {
            expected.put(p.name(), p.shape());
        }
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            reader.expectShapes(expected);
            for (Tensor p : parameters) {
                reader.read(p.name()).copyInto(p);
            }
        }
    }
}
