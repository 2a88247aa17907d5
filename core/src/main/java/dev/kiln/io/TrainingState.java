package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import dev.kiln.train.EpochResult;
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
 * @param history the results of every epoch up to this one (empty in checkpoints written before Kiln kept them)
 * @param stopReason why training stopped after this epoch (early stopping), or null when it was to go on
 * @param settings the settings the run was started with, as whoever started it recorded them (option names and
 *     values), so that a resumed run can be checked against them; empty when none were recorded
 */
public record TrainingState(int epoch, long globalStep, int epochs, int batchSize, boolean shuffle, long seed,
                            double validationSplit, String optimizer, double learningRate,
                            Map<String, Long> parameterSteps, Map<String, Double> values, String monitor,
                            Map<String, SavedCallback> callbacks, List<EpochResult> history, String stopReason,
                            Map<String, String> settings) {
    // root -> callbacks -> callback -> values, and root -> history -> epoch -> metrics
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
        history = List.copyOf(history);
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
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
        if (stopReason != null) {
            root.put("stop_reason", stopReason);
        }
        if (!settings.isEmpty()) {
            ObjectNode recorded = root.putObject("settings");
            settings.forEach(recorded::put);
        }
        ArrayNode epochResults = root.putArray("history");
        history.forEach(e -> writeEpoch(epochResults.addObject(), e));
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
        List<EpochResult> history = new ArrayList<>();
        JsonNode historyNode = root.get("history");
        if (historyNode != null) {
            if (!historyNode.isArray()) {
                throw new KilnException(SOURCE + ": 'history' must be an array of epochs");
            }
            for (int i = 0; i < historyNode.size(); i++) {
                history.add(readEpoch(historyNode.get(i), SOURCE + ": history[" + i + "]"));
            }
        }
        Map<String, String> settings = new LinkedHashMap<>();
        JsonNode settingsNode = root.get("settings");
        if (settingsNode != null) {
            if (!settingsNode.isObject()) {
                throw new KilnException(SOURCE + ": 'settings' must be an object of texts by name");
            }
            for (Iterator<String> it = settingsNode.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                settings.put(name, Json.text(settingsNode, name, SOURCE + ": settings"));
            }
        }
        JsonNode stopReason = root.get("stop_reason");
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
                callbacks, history, stopReason == null ? null : Json.text(root, "stop_reason", SOURCE), settings);
    }

    /** One epoch's result; a number that is not finite (no validation: NaN) is written as null, read back as NaN. */
    private static void writeEpoch(ObjectNode node, EpochResult e) {
        node.put("epoch", e.epoch()).put("has_loss", e.hasLoss());
        putNumber(node, "loss", e.loss());
        putNumber(node, "val_loss", e.validationLoss());
        putNumber(node, "seconds", e.seconds());
        putNumber(node, "samples_per_second", e.samplesPerSecond());
        putNumber(node, "learning_rate", e.learningRate());
        ObjectNode metrics = node.putObject("metrics");
        e.metrics().forEach((k, x) -> putNumber(metrics, k, x));
        ObjectNode validation = node.putObject("val_metrics");
        e.validationMetrics().forEach((k, x) -> putNumber(validation, k, x));
    }

    private static void putNumber(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    private static EpochResult readEpoch(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new KilnException(where + ": expected an object with the epoch's results");
        }
        return new EpochResult(Json.positiveInt(node, "epoch", where), optional(node, "loss", where),
                numbers(Json.field(node, "metrics", where), where + ".metrics"), optional(node, "val_loss", where),
                numbers(Json.field(node, "val_metrics", where), where + ".val_metrics"),
                optional(node, "seconds", where), optional(node, "samples_per_second", where),
                optional(node, "learning_rate", where), Json.bool(node, "has_loss", where));
    }

    private static double optional(JsonNode node, String name, String where) {
        return node.hasNonNull(name) ? Json.number(node, name, where) : Double.NaN;
    }

    private static Map<String, Double> numbers(JsonNode node, String where) {
        Map<String, Double> numbers = new LinkedHashMap<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            numbers.put(name, optional(node, name, where));
        }
        return numbers;
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
