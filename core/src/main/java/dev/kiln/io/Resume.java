package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.train.Callback;
import dev.kiln.train.FitOptions;
import dev.kiln.train.TrainingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Continues an interrupted {@code fit} from a verified checkpoint: {@code model.fit(data, resume.options(options))}
 * restores the weights, optimizer state and learning rate when training begins and runs the remaining epochs in
 * the data order the uninterrupted run would have used.
 */
public final class Resume {
    private final Path directory;
    private final TrainingState state;

    private Resume(Path directory, TrainingState state) {
        this.directory = directory;
        this.state = state;
    }

    /**
     * The checkpoint {@code path} names: a checkpoint directory, or a directory of checkpoints whose latest complete
     * one is taken. The checkpoint's manifest is verified first.
     */
    public static Resume from(Path path) {
        Path checkpoint = checkpointIn(path);
        return SavedModel.inDirectory(checkpoint, () -> {
            Manifest.verified(checkpoint);
            return new Resume(checkpoint, TrainingState.read(checkpoint));
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
     * {@code options} set to continue after the checkpoint's epoch, with a first callback that restores the
     * checkpoint; the batch size, shuffling, seed and validation split must be those of the interrupted run.
     */
    public FitOptions options(FitOptions options) {
        check("batch size", state.batchSize(), options.batchSize());
        check("shuffle", state.shuffle(), options.shuffle());
        check("seed", state.seed(), options.seed());
        check("validation split", state.validationSplit(), options.validationSplit());
        if (options.epochs() < state.epoch()) {
            throw new KilnException("the checkpoint in " + directory + " has already trained " + state.epoch()
                    + " epochs; ask for at least that many, got " + options.epochs());
        }
        List<Callback> callbacks = new ArrayList<>();
        callbacks.add(new Callback() {
            @Override
            public void onTrainBegin(TrainingContext context) {
                TrainingCheckpoint.restore(directory, TrainingCheckpoint.model(context.model()), context.optimizer(),
                        context.options());
            }
        });
        callbacks.addAll(options.callbacks());
        return new FitOptions(options.epochs(), options.batchSize(), options.shuffle(), options.validationSplit(),
                options.validationData(), options.seed(), callbacks, options.checkFinite(), options.log(),
                state.epoch());
    }

    private void check(String what, Object saved, Object given) {
        if (!saved.equals(given)) {
            throw new KilnException("cannot resume from " + directory + ": it was trained with " + what + " " + saved
                    + ", the new run uses " + given + "; resuming needs the same " + what);
        }
    }
}
