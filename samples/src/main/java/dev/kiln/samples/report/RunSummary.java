package dev.kiln.samples.report;

import dev.kiln.samples.SampleResult;
import dev.kiln.samples.TrainingSettings;
import dev.kiln.train.EpochResult;
import dev.kiln.train.History;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one {@code kiln train} run, as {@code summary.json} and the final summary block give it.
 *
 * @param sample name of the sample trained
 * @param backend name of the backend that trained it
 * @param device name of the device it ran on
 * @param settings the hyperparameters used
 * @param result what the training produced
 */
public record RunSummary(String sample, String backend, String device, TrainingSettings settings,
                         SampleResult result) {

    /** The fields of {@code summary.json}, in order; train, validation and test values are the final ones. */
    public Map<String, Object> fields() {
        History history = result.history();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("sample", sample);
        fields.put("backend", backend);
        fields.put("device", device);
        fields.put("epochs", history.epochsDone());
        fields.put("epochs_run", history.epochsRun());
        fields.put("batch_size", settings.batchSize());
        fields.put("learning_rate", settings.learningRate());
        fields.put("seed", settings.seed());
        fields.put("parameters", result.parameters());
        if (!history.epochs().isEmpty()) {
            history.last().values().forEach((name, value) ->
                    fields.put(name.startsWith("val_") ? name : "train_" + name, value));
        }
        if (result.test() != null) {
            fields.put("test_loss", result.test().loss());
            result.test().metrics().forEach((name, value) -> fields.put("test_" + name, value));
        }
        fields.putAll(result.measures());
        fields.put("seconds_per_epoch", history.epochs().stream().map(EpochResult::seconds).toList());
        fields.put("samples_per_second", samplesPerSecond());
        if (!result.predictions().isEmpty()) {
            fields.put("predictions", result.predictions());
        }
        if (history.stoppedEarly()) {
            fields.put("stop_reason", history.stopReason());
        }
        Divergence.of(result).ifPresent(reason -> fields.put("divergence", reason));
        return fields;
    }

    /** Training samples per second over the whole run (total samples over total training time). */
    public double samplesPerSecond() {
        double secondsPerSample = result.history().epochs().stream()
                .mapToDouble(epoch -> 1 / epoch.samplesPerSecond())
                .sum();
        return secondsPerSample > 0 ? result.history().epochs().size() / secondsPerSample : 0;
    }

    /** The block printed when training ends. */
    public String text() {
        StringBuilder text = new StringBuilder(String.format("%nSummary%n"));
        fields().forEach((name, value) -> {
            if (!name.equals("seconds_per_epoch")) {
                text.append(String.format(Locale.ROOT, "  %-20s %s%n", name, shown(value)));
            }
        });
        List<Double> seconds = result.history().epochs().stream().map(EpochResult::seconds).sorted().toList();
        if (!seconds.isEmpty()) {
            text.append(String.format(Locale.ROOT, "  %-20s %s (median)%n", "seconds_per_epoch",
                    shown(seconds.get(seconds.size() / 2))));
        }
        return text.toString();
    }

    /** A summary value as the summary block prints it. */
    static String shown(Object value) {
        if (value instanceof Double number) {
            return String.format(Locale.ROOT, "%.6g", number);
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder text = new StringBuilder();
            map.forEach((key, entry) -> text.append(text.length() == 0 ? "" : ", ")
                    .append(key).append(' ').append(shown(entry)));
            return text.toString();
        }
        return String.valueOf(value);
    }
}
