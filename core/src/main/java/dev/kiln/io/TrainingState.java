package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of a checkpoint's {@code training.json}: where training stood after an epoch and how it was
 * configured. The data order and the shuffling generator are fully determined by {@code seed},
 * {@code shuffle} and {@code epoch} (the number of epochs shuffled so far).
 *
 * @param epoch epochs completed
 * @param globalStep training steps the model has taken (numbering the random streams of the steps after it)
 * @param epochs epochs the run was asked for
 * @param batchSize samples per step
 * @param shuffle whether each epoch shuffles the samples
 * @param seed seed of the shuffling generator
 * @param validationSplit fraction held out for validation
 * @param optimizer optimizer name
 * @param learningRate the optimizer's learning rate when the checkpoint was written
 * @param parameterSteps updates applied to each parameter, by parameter name
 * @param values the epoch's loss and metrics by history key
 * @param monitor the monitored history key, or null
 * @param callbacks the numbers and names of each stateful callback's state by its name ("early_stopping"); their
 *     tensors are in {@code callbacks.safetensors}, named {@code callback/tensor}
 */
public record TrainingState(int epoch, long globalStep, int epochs, int batchSize, boolean shuffle, long seed,
                            double validationSplit, String optimizer, double learningRate,
                            Map<String, Long> parameterSteps, Map<String, Double> values, String monitor,
                            Map<String, SavedCallback> callbacks) {
    // root -> callbacks -> callback -> values
    private static final ObjectMapper JSON = StrictJson.mapper(4);
    private static final String SOURCE = ModelFormat.TRAINING_FILE;

    /**
     * A stateful callback's state as a checkpoint holds it.
     *
     * @param values its numbers by key
     * @param labels its texts by key
     * @param tensors the names of its tensors in {@code callbacks.safetensors}, each prefixed there by the callback's
     *     name ("early_stopping/dense_1/kernel")
     */
    public record SavedCallback(Map<String, Double> values, Map<String, String> labels, List<String> tensors) {
        public SavedCallback {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
            tensors = List.copyOf(tensors);
        }
    }

    public TrainingState {
        parameterSteps = Collections.unmodifiableMap(new LinkedHashMap<>(parameterSteps));
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        callbacks = Collections.unmodifiableMap(new LinkedHashMap<>(callbacks));
    }

    void write(Path directory) {
        ObjectNode root = JSON.createObjectNode()
                .put("format_version", ModelFormat.FORMAT_VERSION)
                .put("kiln_version", ModelFormat.kilnVersion())
                .put("epoch", epoch)
                .put("global_step", globalStep)
                .put("epochs", epochs)
                .put("batch_size", batchSize)
                .put("shuffle", shuffle)
                .put("seed", seed)
                .put("validation_split", validationSplit)
                .put("optimizer", optimizer)
                .put("learning_rate", learningRate);
        ObjectNode steps = root.putObject("parameter_steps");
        parameterSteps.forEach(steps::put);
        ObjectNode v = root.putObject("values");
        values.forEach((k, x) -> {
            if (Double.isFinite(x)) {
                v.put(k, x);
            }
        });
        if (monitor != null) {
            root.put("monitor", monitor);
        }
        if (!callbacks.isEmpty()) {
            ObjectNode all = root.putObject("callbacks");
            callbacks.forEach((name, state) -> {
                ObjectNode c = all.putObject(name);
                ObjectNode labels = c.putObject("labels");
                state.labels().forEach(labels::put);
                ObjectNode numbers = c.putObject("values");
                state.values().forEach((k, x) -> {
                    if (Double.isFinite(x)) {
                        numbers.put(k, x);
                    }
                });
                ArrayNode tensors = c.putArray("tensors");
                state.tensors().forEach(tensors::add);
            });
        }
        byte[] json = (root.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(directory.resolve(SOURCE), out -> out.write(json));
    }

    /** Reads and validates {@code directory/training.json}. */
    public static TrainingState read(Path directory) {
        String text;
        try {
            text = Files.readString(directory.resolve(SOURCE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new KilnException(SOURCE + ": missing from " + directory + "; is it a Kiln checkpoint?");
        } catch (IOException e) {
            throw new KilnException(SOURCE + ": cannot read: " + e, e);
        }
        JsonNode root = StrictJson.parseObject(JSON, text, SOURCE);
        int version = Json.nonNegativeInt(root, "format_version", SOURCE);
        if (version != ModelFormat.FORMAT_VERSION) {
            throw new KilnException(SOURCE + ": format_version " + version + " is not supported; this Kiln reads "
                    + ModelFormat.FORMAT_VERSION);
        }
        Map<String, Long> steps = new LinkedHashMap<>();
        JsonNode stepsNode = Json.field(root, "parameter_steps", SOURCE);
        for (Iterator<String> it = stepsNode.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            steps.put(name, Json.nonNegativeLong(stepsNode, name, SOURCE + ": parameter_steps"));
        }
        Map<String, Double> values = new LinkedHashMap<>();
        JsonNode valuesNode = Json.field(root, "values", SOURCE);
        for (Iterator<String> it = valuesNode.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            values.put(name, Json.number(valuesNode, name, SOURCE + ": values"));
        }
        JsonNode monitor = root.get("monitor");
        Map<String, SavedCallback> callbacks = new LinkedHashMap<>();
        JsonNode callbacksNode = root.get("callbacks");
        if (callbacksNode != null) {
            if (!callbacksNode.isObject()) {
                throw new KilnException(SOURCE + ": 'callbacks' must be an object of callback states by name");
            }
            for (Iterator<String> it = callbacksNode.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                callbacks.put(name, callbackState(callbacksNode.get(name), SOURCE + ": callbacks." + name));
            }
        }
        return new TrainingState(Json.nonNegativeInt(root, "epoch", SOURCE),
                Json.nonNegativeLong(root, "global_step", SOURCE),
                Json.positiveInt(root, "epochs", SOURCE),
                Json.positiveInt(root, "batch_size", SOURCE),
                Json.bool(root, "shuffle", SOURCE),
                integral(root, "seed"),
                Json.number(root, "validation_split", SOURCE),
                Json.text(root, "optimizer", SOURCE),
                Json.number(root, "learning_rate", SOURCE),
                steps, values,
                monitor == null ? null : Json.text(root, "monitor", SOURCE),
                callbacks);
    }

    private static SavedCallback callbackState(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new KilnException(where + ": expected an object with 'labels', 'values' and 'tensors'");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode labelsNode = Json.field(node, "labels", where);
        for (Iterator<String> it = labelsNode.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            labels.put(key, Json.text(labelsNode, key, where + ".labels"));
        }
        Map<String, Double> numbers = new LinkedHashMap<>();
        JsonNode valuesNode = Json.field(node, "values", where);
        for (Iterator<String> it = valuesNode.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            numbers.put(key, Json.number(valuesNode, key, where + ".values"));
        }
        List<String> tensors = new ArrayList<>();
        JsonNode tensorsNode = Json.field(node, "tensors", where);
        if (!tensorsNode.isArray()) {
            throw new KilnException(where + ": 'tensors' must be an array of tensor names");
        }
        for (JsonNode t : tensorsNode) {
            if (!t.isTextual()) {
                throw new KilnException(where + ": 'tensors' must hold names, found " + Json.shortly(t));
            }
            tensors.add(t.textValue());
        }
        return new SavedCallback(numbers, labels, tensors);
    }

    private static long integral(JsonNode root, String name) {
        JsonNode value = Json.field(root, name, SOURCE);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new KilnException(SOURCE + ": '" + name + "' must be a 64-bit integer, found " + Json.shortly(value));
        }
        return value.longValue();
    }
}
