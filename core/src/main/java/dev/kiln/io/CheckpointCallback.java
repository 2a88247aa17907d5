package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.train.Callback;
import dev.kiln.train.EarlyStopping;
import dev.kiln.train.EpochResult;
import dev.kiln.train.TrainingContext;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a resumable checkpoint into a {@link CheckpointStore} every {@code everyEpochs} epochs, keeping the
 * newest {@code keepLast} and, with a monitored quantity, the best one by it.
 */
public final class CheckpointCallback implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointCallback.class);

    private final CheckpointStore store;
    private final int everyEpochs;
    private final int keepLast;
    private final String monitor;
    private final boolean maximize;
    private Standardization normalization;
    private Compilation compilation;
    private Map<String, String> settings = Map.of();

    /**
     * @param root directory of the checkpoints
     * @param everyEpochs checkpoint after every this many epochs
     * @param keepLast newest checkpoints to keep
     * @param monitor history key whose best checkpoint is also kept ("val_loss"), or null
     * @param mode whether the monitored quantity should fall or rise (AUTO: rise for accuracies)
     */
    public CheckpointCallback(Path root, int everyEpochs, int keepLast, String monitor, EarlyStopping.Mode mode) {
        if (everyEpochs < 1 || keepLast < 1) {
            throw new KilnException("checkpoints need everyEpochs >= 1 and keepLast >= 1, got " + everyEpochs
                    + " and " + keepLast);
        }
        this.store = new CheckpointStore(root);
        this.everyEpochs = everyEpochs;
        this.keepLast = keepLast;
        this.monitor = monitor;
        this.maximize = mode == EarlyStopping.Mode.MAX
                || (mode == EarlyStopping.Mode.AUTO && monitor != null
                        && monitor.toLowerCase(Locale.ROOT).contains("acc"));
    }

    /** Checkpoints every epoch, keeping the last {@code keepLast}. */
    public static CheckpointCallback everyEpoch(Path root, int keepLast) {
        return new CheckpointCallback(root, 1, keepLast, null, EarlyStopping.Mode.AUTO);
    }

    /** Stores {@code value} with each checkpoint, so a checkpoint can also serve as a saved model for prediction. */
    public CheckpointCallback withNormalization(Standardization value) {
        this.normalization = value;
        return this;
    }

    /** Stores the loss and metric names with each checkpoint, so a checkpoint can be evaluated as a saved model. */
    public CheckpointCallback withCompilation(Compilation value) {
        this.compilation = value;
        return this;
    }

    /**
     * Stores the settings the run was started with (option names and values) with each checkpoint, so that a
     * resumed run can be checked against them ({@link TrainingState#settings()}).
     */
    public CheckpointCallback withSettings(Map<String, String> value) {
        this.settings = Map.copyOf(value);
        return this;
    }

    public CheckpointStore store() {
        return store;
    }

    /** Runs after every callback's {@code onEpochEnd}, so the checkpoint holds early stopping's state of this epoch. */
    @Override
    public void afterEpochEnd(EpochResult result, TrainingContext context) {
        if (result.epoch() % everyEpochs != 0) {
            return;
        }
        if (monitor != null) {
            result.value(monitor);
        }
        CheckpointStore.Checkpoint saved = store.save(result.epoch(), directory -> TrainingCheckpoint.write(directory,
                context, result, monitor, normalization, compilation, settings));
        LOG.debug("checkpoint {} written", saved.directory());
        store.prune(keepLast, best());
    }

    /** The sequence numbers of the best checkpoint by the monitored quantity (none without a monitor). */
    private Set<Long> best() {
        Set<Long> keep = new HashSet<>();
        if (monitor == null) {
            return keep;
        }
        double bestValue = Double.NaN;
        for (CheckpointStore.Checkpoint c : store.list()) {
            double value;
            try {
                value = TrainingState.read(c.directory()).values().getOrDefault(monitor, Double.NaN);
            } catch (KilnException e) {
                continue;
            }
            boolean better = Double.isNaN(bestValue) || (maximize ? value > bestValue : value < bestValue);
            if (!Double.isNaN(value) && better) {
                bestValue = value;
                keep.clear();
                keep.add(c.sequence());
            }
        }
        return keep;
    }
}
