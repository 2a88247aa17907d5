package dev.kiln.gan;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

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
 * @param devices the backends to train on, the models' own first, each computing an equal slice of every batch with
 *     replicas of both models; empty or one for the models' backend alone
 */
public record GanFitOptions(int epochs, int batchSize, boolean shuffle, List<GanEpochListener> listeners,
                            Path checkpoints, int keepLast, Path resume, List<Backend> devices) {
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
        devices = List.copyOf(devices);
        Set<Backend> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Backend device : devices) {
            if (!distinct.add(device)) {
                throw new KilnException("device '" + device.name() + "' on " + device.device().name() + " is listed"
                        + " twice; each device trains one replica of both models, so list distinct backend objects");
            }
        }
    }

    /** {@code epochs} shuffled epochs of {@code batchSize}, no listener, no checkpoints (3 kept once asked for). */
    public static GanFitOptions of(int epochs, int batchSize) {
        return new GanFitOptions(epochs, batchSize, true, List.of(), null, 3, null, List.of());
    }

    public GanFitOptions withShuffle(boolean value) {
        return new GanFitOptions(epochs, batchSize, value, listeners, checkpoints, keepLast, resume, devices);
    }

    /** These options with {@code listener} called after the ones already given. */
    public GanFitOptions withListener(GanEpochListener listener) {
        List<GanEpochListener> all = new ArrayList<>(listeners);
        all.add(listener);
        return new GanFitOptions(epochs, batchSize, shuffle, all, checkpoints, keepLast, resume, devices);
    }

    public GanFitOptions withCheckpoints(Path directory, int keep) {
        return new GanFitOptions(epochs, batchSize, shuffle, listeners, directory, keep, resume, devices);
    }

    /** These options training on {@code backends}, the models' own first (see {@code devices}). */
    public GanFitOptions withDevices(List<Backend> backends) {
        return new GanFitOptions(epochs, batchSize, shuffle, listeners, checkpoints, keepLast, resume, backends);
    }

    public GanFitOptions withResume(Path checkpoint) {
        return new GanFitOptions(epochs, batchSize, shuffle, listeners, checkpoints, keepLast, checkpoint, devices);
    }
}
