package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of a checkpoint's {@code training.json}: where training stood after an epoch and how it was
 * configured. The data order and the shuffling generator are fully determined by {@code seed},
 * {@code shuffle} and {@code epoch} (the number of epochs shuffled so far).
 *
 * @param epoch epochs completed
 * @param globalStep optimizer steps taken
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
 */
public record TrainingState(int epoch, long globalStep, int epochs, int batchSize, boolean shuffle, long seed,
                            double validationSplit, String optimizer, double learningRate,
                            Map<String, Long> parameterSteps, Map<String, Double> values, String monitor) {
    private static final ObjectMapper JSON = StrictJson.mapper(3);
    private static final String SOURCE = ModelFormat.TRAINING_FILE;

    public TrainingState {
        parameterSteps = Collections.unmodifiableMap(new LinkedHashMap<>(parameterSteps));
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
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
                monitor == null ? null : Json.text(root, "monitor", SOURCE));
    }

    private static long integral(JsonNode root, String name) {
        JsonNode value = Json.field(root, name, SOURCE);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new KilnException(SOURCE + ": '" + name + "' must be a 64-bit integer, found " + Json.shortly(value));
        }
        return value.longValue();
    }
}
