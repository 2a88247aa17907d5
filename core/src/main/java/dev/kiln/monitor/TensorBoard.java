package dev.kiln.monitor;

import dev.kiln.KilnException;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.Callback;
import dev.kiln.train.EpochResult;
import dev.kiln.train.History;
import dev.kiln.train.TrainingContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes what {@code fit} measures as TensorBoard event files, laid out as Keras does: training scalars in
 * {@code <logdir>/train}, validation scalars under the same tags in {@code <logdir>/validation}, so TensorBoard draws
 * both runs on one chart. Per epoch: "epoch_loss", "epoch_" + each metric, "epoch_learning_rate" and
 * "epoch_seconds", at step = epoch number. Optionally "batch_loss" every N steps (step = steps since the first
 * epoch) and weight histograms every N epochs.
 */
public final class TensorBoard implements Callback {
    private final Path logDir;
    private int batchEvery;
    private int histogramEvery;
    private HistogramSource histograms = new DeviceHistogram(30);
    private EventFileWriter train;
    private EventFileWriter validation;
    private final List<double[]> pendingBatches = new ArrayList<>();
    private int stepsPerEpoch;

    /** Writes epoch scalars under {@code logDir}; no batch scalars and no histograms until asked for. */
    public TensorBoard(Path logDir) {
        this.logDir = logDir;
    }

    /** Also writes the training loss every {@code steps} steps; 0 turns it off. */
    public TensorBoard batchLossEvery(int steps) {
        this.batchEvery = requireNonNegative(steps, "steps");
        return this;
    }

    /** Also writes a histogram of every weight every {@code epochs} epochs; 0 turns it off. */
    public TensorBoard histogramsEvery(int epochs) {
        this.histogramEvery = requireNonNegative(epochs, "epochs");
        return this;
    }

    /** Where histograms are computed; on the host by default. */
    public TensorBoard histogramSource(HistogramSource source) {
        this.histograms = source;
        return this;
    }

    @Override
    public void onTrainBegin(TrainingContext context) {
        closeWriters();
        pendingBatches.clear();
        stepsPerEpoch = 0;
        train = new EventFileWriter(logDir.resolve("train"));
    }

    @Override
    public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
        stepsPerEpoch = Math.max(stepsPerEpoch, step);
        if (batchEvery > 0 && step % batchEvery == 0) {
            // written at the epoch's end, once its number of steps gives the global step
            pendingBatches.add(new double[] {epoch, step, loss});
        }
    }

    @Override
    public void onEpochEnd(EpochResult result, TrainingContext context) {
        long epoch = result.epoch();
        writeBatches();
        if (result.hasLoss()) {
            train.scalar("epoch_loss", epoch, result.loss());
        }
        result.metrics().forEach((name, value) -> train.scalar("epoch_" + name, epoch, value));
        if (Double.isFinite(result.learningRate())) {
            train.scalar("epoch_learning_rate", epoch, result.learningRate());
        }
        train.scalar("epoch_seconds", epoch, result.seconds());
        if (histogramEvery > 0 && epoch % histogramEvery == 0) {
            for (Map.Entry<String, Tensor> w : context.model().namedWeights().entrySet()) {
                histograms.of(w.getValue()).ifPresent(h -> train.histogram(w.getKey(), epoch, h));
            }
        }
        train.flush();
        if (result.hasValidation()) {
            if (validation == null) {
                validation = new EventFileWriter(logDir.resolve("validation"));
            }
            validation.scalar("epoch_loss", epoch, result.validationLoss());
            result.validationMetrics().forEach((name, value) -> validation.scalar("epoch_" + name, epoch, value));
            validation.flush();
        }
    }

    @Override
    public void onTrainEnd(History history, TrainingContext context) {
        try {
            if (train != null) {
                writeBatches();
            }
        } finally {
            closeWriters();
        }
    }

    private void writeBatches() {
        for (double[] b : pendingBatches) {
            train.scalar("batch_loss", ((long) b[0] - 1) * stepsPerEpoch + (long) b[1], b[2]);
        }
        pendingBatches.clear();
    }

    private void closeWriters() {
        try (EventFileWriter t = train; EventFileWriter v = validation) {
            train = null;
            validation = null;
        }
    }

    private static int requireNonNegative(int value, String what) {
        if (value < 0) {
            throw new KilnException("TensorBoard needs " + what + " >= 0, got " + value);
        }
        return value;
    }
}
