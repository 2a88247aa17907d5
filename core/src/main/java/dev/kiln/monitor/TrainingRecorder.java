package dev.kiln.monitor;

import dev.kiln.gan.GanEpoch;
import dev.kiln.gan.GanEpochListener;
import dev.kiln.gan.GanTrainer;
import dev.kiln.train.Callback;
import dev.kiln.train.EpochResult;
import dev.kiln.train.TrainableModel;
import dev.kiln.train.TrainingContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps in memory what a report draws once training ends: the summary of each model and, every epoch, histograms of
 * every weight and (for {@code fit}, at the epoch's last step) of every gradient. A {@link Callback} for {@code fit},
 * where the model is called "model"; a {@link GanEpochListener} for a GAN, whose models are "generator" and
 * "discriminator" and whose tags begin with those names ("generator/dense_1/kernel").
 */
public final class TrainingRecorder implements Callback, GanEpochListener {
    private final HistogramSource histograms;
    private final Map<String, String> summaries = new LinkedHashMap<>();
    private final Map<String, List<EpochHistogram>> byTag = new LinkedHashMap<>();

    /** A histogram taken at the end of an epoch. */
    public record EpochHistogram(int epoch, Histogram histogram) {
    }

    /** Records histograms computed on the models' device, 30 buckets each. */
    public TrainingRecorder() {
        this(new DeviceHistogram(30));
    }

    public TrainingRecorder(HistogramSource histograms) {
        this.histograms = histograms;
    }

    /** Each model's summary by the model's name, in the order they were first seen. */
    public Map<String, String> summaries() {
        return Collections.unmodifiableMap(summaries);
    }

    /** Every histogram by tag, tags in the order first recorded, each tag's epochs in order. */
    public Map<String, List<EpochHistogram>> histograms() {
        Map<String, List<EpochHistogram>> copy = new LinkedHashMap<>();
        byTag.forEach((tag, list) -> copy.put(tag, List.copyOf(list)));
        return Collections.unmodifiableMap(copy);
    }

    @Override
    public void onTrainBegin(TrainingContext context) {
        summaries.put("model", context.model().summary());
    }

    @Override
    public void onGradients(int epoch, int step, TrainingContext context) {
        if (step == context.stepsPerEpoch()) {
            ModelHistograms.gradients(context.model(), histograms, (tag, h) -> add(tag, epoch, h));
        }
    }

    @Override
    public void onEpochEnd(EpochResult result, TrainingContext context) {
        ModelHistograms.weights(context.model(), histograms, (tag, h) -> add(tag, result.epoch(), h));
    }

    @Override
    public void onEpochEnd(GanEpoch epoch, GanTrainer trainer) {
        record("generator", trainer.generator(), epoch.epoch());
        record("discriminator", trainer.discriminator(), epoch.epoch());
    }

    private void record(String name, TrainableModel model, int epoch) {
        summaries.computeIfAbsent(name, n -> model.summary());
        ModelHistograms.weights(model, histograms, (tag, h) -> add(name + "/" + tag, epoch, h));
    }

    private void add(String tag, int epoch, Histogram histogram) {
        byTag.computeIfAbsent(tag, t -> new ArrayList<>()).add(new EpochHistogram(epoch, histogram));
    }
}
