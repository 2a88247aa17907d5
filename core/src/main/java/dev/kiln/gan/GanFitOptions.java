package dev.kiln.gan;

import dev.kiln.KilnException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link GanTrainer#fit} runs: epochs, batch size, shuffling, per-epoch listeners, checkpoints and resuming.
 *
 * @param epochs passes over the real samples
 * @param batchSize real samples per step (and as many generated ones)
 * @param shuffle whether each epoch visits the samples in a new random order
 * @param listeners called after every epoch, in order
 * @param checkpoints directory of checkpoints written after every epoch (both models and both optimizers' states),
 *     or null for none
 * @param keepLast checkpoints kept in {@code checkpoints}, the newest ones
 * @param resume a checkpoint, or a directory of them whose newest complete one is used, to continue from; or null
 */
public record GanFitOptions(int epochs, int batchSize, boolean shuffle, List<GanEpochListener> listeners,
                            Path checkpoints, int keepLast, Path resume) {
    public GanFitOptions {
        if (epochs < 1) {
            throw new KilnException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new KilnException("batch size must be at least 1, got " + batchSize);
        }
        if (keepLast < 1) {
            throw new KilnException("checkpoints kept must be at least 1, got " + keepLast);
        }
        listeners = List.copyOf(listeners);
    }

    /** {@code epochs} shuffled epochs of {@code batchSize}, no listener, no checkpoints (3 kept once asked for). */
    public static GanFitOptions of(int epochs, int batchSize) {
        return new GanFitOptions(epochs, batchSize, true, List.of(), null, 3, null);
    }

    public GanFitOptions withShuffle(boolean value) {
        return new GanFitOptions(epochs, batchSize, value, listeners, checkpoints, keepLast, resume);
    }

    /** These options with {@code listener} called after the ones already given. */
    public GanFitOptions withListener(GanEpochListener listener) {
        List<GanEpochListener> all = new ArrayList<>(listeners);
        all.add(listener);
        return new GanFitOptions(epochs, batchSize, shuffle, all, checkpoints, keepLast, resume);
    }

    public GanFitOptions withCheckpoints(Path directory, int keep) {
        return new GanFitOptions(epochs, batchSize, shuffle, listeners, directory, keep, resume);
    }

    public GanFitOptions withResume(Path checkpoint) {
        return new GanFitOptions(epochs, batchSize, shuffle, listeners, checkpoints, keepLast, checkpoint);
    }
}
