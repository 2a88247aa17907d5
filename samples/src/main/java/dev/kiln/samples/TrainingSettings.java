package dev.kiln.samples;

import dev.kiln.KilnException;
import java.nio.file.Path;

/**
 * Hyperparameters and inputs of one sample training.
 *
 * @param epochs passes over the training data
 * @param batchSize samples per optimizer step
 * @param learningRate the optimizer's (initial) learning rate
 * @param seed seed of initial weights and shuffling
 * @param dataDirectory where samples with downloaded data sets look for them, or null for the default
 * @param storage what the run saves, checkpoints and resumes from
 * @param runDirectory where the run writes its summary, and samples may write files of their own while training
 *     (a GAN's images after every epoch), or null when the run keeps no files
 */
public record TrainingSettings(int epochs, int batchSize, double learningRate, long seed, Path dataDirectory,
                               ModelStorage storage, Path runDirectory) {
    /** Settings that save nothing. */
    public TrainingSettings(int epochs, int batchSize, double learningRate, long seed, Path dataDirectory) {
        this(epochs, batchSize, learningRate, seed, dataDirectory, ModelStorage.none(), null);
    }

    public TrainingSettings {
        if (epochs < 1) {
            throw new KilnException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new KilnException("batch size must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new KilnException("learning rate must be a positive finite number, got " + learningRate);
        }
    }

    public TrainingSettings withEpochs(int value) {
        return new TrainingSettings(value, batchSize, learningRate, seed, dataDirectory, storage, runDirectory);
    }

    public TrainingSettings withBatchSize(int value) {
        return new TrainingSettings(epochs, value, learningRate, seed, dataDirectory, storage, runDirectory);
    }

    public TrainingSettings withLearningRate(double value) {
        return new TrainingSettings(epochs, batchSize, value, seed, dataDirectory, storage, runDirectory);
    }

    public TrainingSettings withSeed(long value) {
        return new TrainingSettings(epochs, batchSize, learningRate, value, dataDirectory, storage, runDirectory);
    }

    public TrainingSettings withDataDirectory(Path value) {
        return new TrainingSettings(epochs, batchSize, learningRate, seed, value, storage, runDirectory);
    }

    public TrainingSettings withStorage(ModelStorage value) {
        return new TrainingSettings(epochs, batchSize, learningRate, seed, dataDirectory, value, runDirectory);
    }

    public TrainingSettings withRunDirectory(Path value) {
        return new TrainingSettings(epochs, batchSize, learningRate, seed, dataDirectory, storage, value);
    }
}
