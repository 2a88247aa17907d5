package dev.kiln.monitor;

import dev.kiln.KilnException;
import dev.kiln.train.Callback;
import dev.kiln.train.EpochResult;
import dev.kiln.train.History;
import dev.kiln.train.TrainingContext;
import java.nio.file.Path;

/**
 * Writes what {@code fit} measures as TensorBoard event files, laid out as Keras does: training scalars in
 * {@code <logdir>/train}, validation scalars under the same tags in {@code <logdir>/validation}, so TensorBoard draws
 * both runs on one chart. Per epoch: "epoch_loss", "epoch_" + each metric, "epoch_learning_rate" and
 * "epoch_seconds", at step = epoch number; the model summary as the text "model_summary" when training begins.
 * Optionally "batch_loss" every N steps (step = steps since the first epoch) and, every N epochs, histograms of
 * every weight ("dense_1/kernel") and of every trainable weight's gradient at the epoch's last step
 * ("dense_1/kernel_gradient").
 */
public final class TensorBoard implements Callback {
    private final Path logDir;
    private int batchEvery;
    private int histogramEvery;
    private HistogramSource histograms = new DeviceHistogram(30);
    private EventFileWriter train;
    private EventFileWriter validation;

    /** Writes epoch scalars under {@code logDir}; no batch scalars and no histograms until asked for. */
    public TensorBoard(Path logDir) {
        this.logDir = logDir;
    }

    /** Also writes the training loss every {@code steps} steps; 0 turns it off. */
    public TensorBoard batchLossEvery(int steps) {
        this.batchEvery = requireNonNegative(steps, "steps");
        return this;
    }

    /** Also writes histograms of every weight and gradient every {@code epochs} epochs; 0 turns it off. */
    public TensorBoard histogramsEvery(int epochs) {
        this.histogramEvery = requireNonNegative(epochs, "epochs");
        return this;
    }

    /** Where histograms are computed; on the model's device by default, 30 bins. */
    public TensorBoard histogramSource(HistogramSource source) {
        this.histograms = source;
        return this;
    }

    @Override
    public void onTrainBegin(TrainingContext context) {
        closeWriters();
        train = new EventFileWriter(logDir.resolve("train"));
        train.text("model_summary", context.options().initialEpoch(), ModelHistograms.summaryMarkdown(context.model()));
    }

    @Override
    public void onGradients(int epoch, int step, TrainingContext context) {
        if (histogramsDue(epoch) && step == context.stepsPerEpoch()) {
            ModelHistograms.gradients(context.model(), histograms, (tag, h) -> train.histogram(tag, epoch, h));
        }
    }

    @Override
    public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
        if (batchEvery > 0 && step % batchEvery == 0) {
            train.scalar("batch_loss", (long) (epoch - 1) * context.stepsPerEpoch() + step, loss);
        }
    }

    /** Batch losses are only written down, so the next step may be queued first. */
    @Override
    public boolean batchEndBeforeNextStep() {
        return false;
    }

    @Override
    public void onEpochEnd(EpochResult result, TrainingContext context) {
        long epoch = result.epoch();
        if (result.hasLoss()) {
            train.scalar("epoch_loss", epoch, result.loss());
        }
        result.metrics().forEach((name, value) -> train.scalar("epoch_" + name, epoch, value));
        if (Double.isFinite(result.learningRate())) {
            train.scalar("epoch_learning_rate", epoch, result.learningRate());
        }
        train.scalar("epoch_seconds", epoch, result.seconds());
        if (histogramsDue(result.epoch())) {
            ModelHistograms.weights(context.model(), histograms, (tag, h) -> train.histogram(tag, epoch, h));
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
        closeWriters();
    }

    private boolean histogramsDue(int epoch) {
        return histogramEvery > 0 && epoch % histogramEvery == 0;
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
