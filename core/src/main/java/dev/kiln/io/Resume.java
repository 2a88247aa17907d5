package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.train.Callback;
import dev.kiln.train.FitOptions;
import dev.kiln.train.LearningRateScheduler;
import dev.kiln.train.TrainingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continues an interrupted {@code fit} from a verified checkpoint: {@code model.fit(data, resume.options(options))}
 * restores the weights, optimizer state and learning rate when training begins and runs the remaining epochs in
 * the data order the uninterrupted run would have used.
 */
public final class Resume {
    private static final Logger LOG = LoggerFactory.getLogger(Resume.class);
    private final Path directory;
    private final TrainingState state;
    private final Double learningRate;

    private Resume(Path directory, TrainingState state, Double learningRate) {
        this.directory = directory;
        this.state = state;
        this.learningRate = learningRate;
    }

    /**
     * The checkpoint {@code path} names: a checkpoint directory, or a directory of checkpoints whose latest complete
     * one is taken. The checkpoint's manifest is verified first.
     */
    public static Resume from(Path path) {
        Path checkpoint = checkpointIn(path);
        return SavedModel.inDirectory(checkpoint, () -> {
            Manifest.verified(checkpoint);
            return new Resume(checkpoint, TrainingState.read(checkpoint), null);
        });
    }

    /** The checkpoint directory {@code path} names (see {@link #from}). */
    static Path checkpointIn(Path path) {
        if (!Files.isDirectory(path)) {
            throw new KilnException(path + ": not a directory; expected a checkpoint directory or a directory of"
                    + " checkpoints");
        }
        if (Files.exists(path.resolve(Manifest.FILE_NAME)) || Files.exists(path.resolve(ModelFormat.TRAINING_FILE))) {
            return path;
        }
        return new CheckpointStore(path).latestComplete()
                .orElseThrow(() -> new KilnException(path + ": holds no complete checkpoint to resume from"))
                .directory();
    }

    public Path directory() {
        return directory;
    }

    public TrainingState state() {
        return state;
    }

    /**
     * This checkpoint continued with {@code rate} as its learning rate instead of the checkpoint's: the optimizer's
     * rate and the initial rate of a {@link LearningRateScheduler} among the callbacks.
     */
    public Resume withLearningRate(double rate) {
        return new Resume(directory, state, rate);
    }

    /**
     * {@code options} set to continue after the checkpoint's epoch, with a first callback that restores the
     * checkpoint; the batch size, shuffling, seed and validation split must be those of the interrupted run. The
     * returned history starts with the epochs the checkpoint kept. A checkpoint whose run is over (all its epochs
     * trained, or stopped early) has nothing to continue and is refused.
     */
    public FitOptions options(FitOptions options) {
        return options(options, false);
    }

    /**
     * As {@link #options(FitOptions)}, but when {@code changesAllowed} a different batch size, shuffling, seed or
     * validation split is only logged: the run then goes on differently from the interrupted one.
     */
    public FitOptions options(FitOptions options, boolean changesAllowed) {
        check("batch size", state.batchSize(), options.batchSize(), changesAllowed);
        check("shuffle", state.shuffle(), options.shuffle(), changesAllowed);
        check("seed", state.seed(), options.seed(), changesAllowed);
        check("validation split", state.validationSplit(), options.validationSplit(), changesAllowed);
        if (state.stopReason() != null) {
            throw new KilnException("the run of the checkpoint in " + directory + " stopped early after epoch "
                    + state.epoch() + " (" + state.stopReason() + "); there is nothing left to resume");
        }
        if (options.epochs() <= state.epoch()) {
            throw new KilnException("the checkpoint in " + directory + " has already trained all " + state.epoch()
                    + " epochs" + (options.epochs() < state.epoch() ? " (this run asks for " + options.epochs() + ")"
                    : "") + "; ask for more than " + state.epoch() + " epochs to train it further");
        }
        if (state.history().isEmpty() && state.epoch() > 0) {
            LOG.warn("the checkpoint in {} keeps no results of the epochs before it (an older Kiln wrote it); the"
                    + " history starts at epoch {}", directory, state.epoch() + 1);
        }
        List<Callback> callbacks = new ArrayList<>();
        callbacks.add(new Callback() {
            @Override
            public void onTrainBegin(TrainingContext context) {
                TrainingCheckpoint.restore(directory, TrainingCheckpoint.model(context.model()), context.optimizer(),
                        context.options());
                if (learningRate != null) {
                    context.optimizer().setLearningRate(learningRate);
                    context.options().callbacks().stream().filter(c -> c instanceof LearningRateScheduler)
                            .forEach(c -> ((LearningRateScheduler) c).startFrom(learningRate));
                }
            }
        });
        callbacks.addAll(options.callbacks());
        return new FitOptions(options.epochs(), options.batchSize(), options.shuffle(), options.validationSplit(),
                options.validationData(), options.seed(), callbacks, options.checkFinite(), options.log(),
                state.epoch(), state.history(), options.devices(), options.split());
    }

    private void check(String what, Object saved, Object given, boolean changesAllowed) {
        if (saved.equals(given)) {
            return;
        }
        if (!changesAllowed) {
            throw new KilnException("cannot resume from " + directory + ": it was trained with " + what + " " + saved
                    + ", the new run uses " + given + "; resuming needs the same " + what);
        }
        LOG.warn("resuming from {} with {} {} instead of {}: the run goes on differently from the interrupted one",
                directory, what, given, saved);
    }
}
