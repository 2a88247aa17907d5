package dev.kiln.samples.bench;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.data.Dataset;
import dev.kiln.model.Model;
import dev.kiln.samples.mnist.ImageClassifier;
import dev.kiln.train.Callback;
import dev.kiln.train.DeviceReport;
import dev.kiln.train.EpochResult;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import dev.kiln.train.TrainingContext;
import java.util.Arrays;
import java.util.List;

/** Seconds per training epoch of an image classifier: warm-up epochs first, then the median of the timed ones. */
final class EpochTimer {
    private static final long SEED = 42;
    private static final double LEARNING_RATE = 1e-3;

    private EpochTimer() {
    }

    /**
     * Times of the epochs after {@code warmUp} epochs, training a new model on all of {@code data} (no
     * validation, so an epoch is training alone).
     */
    static double[] epochSeconds(ImageClassifier classifier, Backend backend, Dataset data, int classes, int batchSize,
                                 int warmUp, int timed) {
        return epochSeconds(classifier, List.of(backend), data, classes, batchSize, warmUp, timed, () -> { })
                .seconds();
    }

    /**
     * As {@link #epochSeconds(ImageClassifier, Backend, Dataset, int, int, int, int)}, running {@code afterTimedEpoch}
     * after each timed epoch, outside its time and before the next one starts.
     */
    static double[] epochSeconds(ImageClassifier classifier, Backend backend, Dataset data, int classes, int batchSize,
                                 int warmUp, int timed, Runnable afterTimedEpoch) {
        return epochSeconds(classifier, List.of(backend), data, classes, batchSize, warmUp, timed, afterTimedEpoch)
                .seconds();
    }

    /**
     * The timed epochs of a fit with a replica on each of {@code devices} (the model on the first), and how the
     * devices shared the last epoch (null on one device).
     *
     * @param seconds each timed epoch's seconds
     * @param report the devices' report of the last epoch, or null
     */
    record Timed(double[] seconds, DeviceReport report) {
    }

    /** As {@link #epochSeconds(ImageClassifier, Backend, Dataset, int, int, int, int)} on several devices. */
    static Timed epochSeconds(ImageClassifier classifier, List<Backend> devices, Dataset data, int classes,
                              int batchSize, int warmUp, int timed) {
        return epochSeconds(classifier, devices, data, classes, batchSize, warmUp, timed, () -> { });
    }

    private static Timed epochSeconds(ImageClassifier classifier, List<Backend> devices, Dataset data, int classes,
                                      int batchSize, int warmUp, int timed, Runnable afterTimedEpoch) {
        DeviceReport[] last = new DeviceReport[1];
        Callback report = new Callback() {
            @Override
            public void onEpochEnd(EpochResult result, TrainingContext context) {
                last[0] = context.deviceReport();
                if (result.epoch() > warmUp) {
                    afterTimedEpoch.run();
                }
            }
        };
        try (Model model = classifier.model(devices.get(0), data.featureShape(), classes, LEARNING_RATE, SEED)) {
            History history = model.fit(data, FitOptions.builder().epochs(warmUp + timed).batchSize(batchSize)
                    .seed(SEED).log(false).callbacks(report).devices(devices).build());
            List<EpochResult> epochs = history.epochs();
            return new Timed(epochs.subList(warmUp, epochs.size()).stream().mapToDouble(EpochResult::seconds)
                    .toArray(), last[0]);
        }
    }

    /**
     * The profile of one epoch on {@code backend}, after {@code warmUp} epochs that are not timed: the calls made
     * from the epoch's start to its end and the epoch's own seconds. The fit's checks of the data before it (a pass
     * over every sample) and the model's release after it are not part of the training steps.
     */
    static OpProfile profiledEpoch(ImageClassifier classifier, ProfilingBackend backend, Dataset data, int classes,
                                   int batchSize, int warmUp) {
        try (Model model = classifier.model(backend, data.featureShape(), classes, LEARNING_RATE, SEED)) {
            if (warmUp > 0) {
                model.fit(data, FitOptions.builder().epochs(warmUp).batchSize(batchSize).seed(SEED).log(false).build());
            }
            OpProfile[] profile = new OpProfile[1];
            Callback window = new Callback() {
                @Override
                public void onEpochBegin(int epoch, TrainingContext context) {
                    backend.reset();
                }

                @Override
                public void onEpochEnd(EpochResult result, TrainingContext context) {
                    profile[0] = new OpProfile(result.seconds(), backend.times());
                }
            };
            History history = model.fit(data, FitOptions.builder().epochs(1).batchSize(batchSize).seed(SEED + 1)
                    .log(false).callbacks(window).build());
            if (profile[0] == null) {
                throw new KilnException("the profiled epoch did not finish: " + history.stopReason());
            }
            return profile[0];
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
