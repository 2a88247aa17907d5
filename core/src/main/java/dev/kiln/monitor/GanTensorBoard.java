package dev.kiln.monitor;

import dev.kiln.KilnException;
import dev.kiln.gan.GanEpoch;
import dev.kiln.gan.GanEpochListener;
import dev.kiln.gan.GanTrainer;
import dev.kiln.model.Model;
import dev.kiln.optim.Optimizer;
import java.nio.file.Path;

/**
 * Writes a GAN's training as TensorBoard event files, one run per model so that TensorBoard draws the two players
 * on one chart: {@code <logdir>/generator} and {@code <logdir>/discriminator}, each with "epoch_loss",
 * "epoch_learning_rate" (the rate the epoch trained with, when this listener comes before any that changes it) and
 * "epoch_seconds" at step = epoch number, and its model summary as the text "model_summary". The discriminator's
 * run also has "epoch_real_score" and "epoch_fake_score", its mean outputs on real and generated samples.
 * Optionally, every N epochs, a histogram of every weight of both models.
 */
public final class GanTensorBoard implements GanEpochListener {
    private final Path logDir;
    private int histogramEvery;
    private HistogramSource histograms = new DeviceHistogram(30);
    private EventFileWriter generator;
    private EventFileWriter discriminator;

    /** Writes epoch scalars under {@code logDir}; no histograms until asked for. */
    public GanTensorBoard(Path logDir) {
        this.logDir = logDir;
    }

    /** Also writes histograms of every weight of both models every {@code epochs} epochs; 0 turns it off. */
    public GanTensorBoard histogramsEvery(int epochs) {
        if (epochs < 0) {
            throw new KilnException("GanTensorBoard needs epochs >= 0, got " + epochs);
        }
        this.histogramEvery = epochs;
        return this;
    }

    /** Where histograms are computed; on the models' device by default, 30 bins. */
    public GanTensorBoard histogramSource(HistogramSource source) {
        this.histograms = source;
        return this;
    }

    @Override
    public void onEpochEnd(GanEpoch epoch, GanTrainer trainer) {
        long step = epoch.epoch();
        if (generator == null) {
            generator = open("generator", trainer.generator(), step - 1);
            discriminator = open("discriminator", trainer.discriminator(), step - 1);
        }
        record(generator, trainer.generator(), trainer.generatorOptimizer(), step, epoch.generatorLoss(), epoch);
        discriminator.scalar("epoch_real_score", step, epoch.realScore());
        discriminator.scalar("epoch_fake_score", step, epoch.fakeScore());
        record(discriminator, trainer.discriminator(), trainer.discriminatorOptimizer(), step,
                epoch.discriminatorLoss(), epoch);
    }

    @Override
    public void onFitEnd(GanTrainer trainer) {
        try (EventFileWriter g = generator; EventFileWriter d = discriminator) {
            generator = null;
            discriminator = null;
        }
    }

    private EventFileWriter open(String run, Model model, long step) {
        EventFileWriter writer = new EventFileWriter(logDir.resolve(run));
        writer.text("model_summary", step, ModelHistograms.summaryMarkdown(model));
        return writer;
    }

    private void record(EventFileWriter writer, Model model, Optimizer optimizer, long step, double loss,
                        GanEpoch epoch) {
        writer.scalar("epoch_loss", step, loss);
        writer.scalar("epoch_learning_rate", step, optimizer.learningRate());
        writer.scalar("epoch_seconds", step, epoch.seconds());
        if (histogramEvery > 0 && step % histogramEvery == 0) {
            ModelHistograms.weights(model, histograms, (tag, h) -> writer.histogram(tag, step, h));
        }
        writer.flush();
    }
}
