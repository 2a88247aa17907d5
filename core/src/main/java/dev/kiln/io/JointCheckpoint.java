package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.model.Model;
import dev.kiln.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content of a checkpoint of several models trained together by a loop of one's own, each with its own optimizer
 * (a GAN's generator and discriminator): one sub-directory per model, named after it, holding what a {@code fit}
 * checkpoint holds for one model (model files, {@code optimizer.safetensors}, {@code training.json}). Each
 * sub-directory is sealed by its own manifest and loads as a saved model. Store it with a {@link CheckpointStore},
 * which makes the whole directory appear at once.
 */
public final class JointCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(JointCheckpoint.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private JointCheckpoint() {
    }

    /** One of the models: its sub-directory name ("generator"), the model and the optimizer that trains it. */
    public record Member(String name, Model model, Optimizer optimizer) {
        public Member {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new KilnException("a checkpoint member's name must be lower-case letters, digits, '_' or '-',"
                        + " starting with a letter or digit, got '" + name + "'");
            }
        }
    }

    /**
     * Where the loop stood after an epoch.
     *
     * @param epoch epochs completed
     * @param step steps the loop has taken (numbering the random streams of the steps after it)
     * @param epochs epochs the run was asked for
     * @param batchSize samples per step
     * @param seed seed of the loop's shuffling and noise
     * @param values the epoch's losses and measures by name
     */
    public record Progress(int epoch, long step, int epochs, int batchSize, long seed, Map<String, Double> values) {
        public Progress {
            values = Map.copyOf(values);
        }
    }

    /** Writes every member and the progress into {@code directory} (empty; a CheckpointStore's staging one). */
    public static void write(Path directory, List<Member> members, Progress progress) {
        for (Member m : distinct(members)) {
            Path into = directory.resolve(m.name());
            try {
                Files.createDirectories(into);
                Map<String, Long> steps = TrainingCheckpoint.writeTrainee(into, m.model(), m.optimizer(), null, null);
                new TrainingState(progress.epoch(), progress.step(), progress.epochs(), progress.batchSize(), true,
                        progress.seed(), 0, m.optimizer().name(), m.optimizer().learningRate(), steps,
                        progress.values(), null, Map.of(), List.of(), null, Map.of()).write(into);
                // sealed on its own, so each member verifies and loads as a saved model
                Manifest.of(into).write(into);
            } catch (IOException e) {
                throw new KilnException("cannot write checkpoint directory " + into + ": " + e, e);
            }
        }
    }

    /**
     * Restores every member's weights, optimizer state and learning rate from the checkpoint {@code path} names (a
     * checkpoint, or a directory of them whose newest complete one is taken), after verifying its manifest and
     * checking that it holds each member with the same architecture and optimizer, all saved at the same step;
     * returns where the loop stood.
     */
    public static Progress restore(Path path, List<Member> members) {
        Path directory = Resume.checkpointIn(path);
        SavedModel.inDirectory(directory, () -> Manifest.verified(directory));
        LOG.info("resuming from {}", directory);
        Progress progress = null;
        String first = null;
        for (Member m : distinct(members)) {
            Path from = directory.resolve(m.name());
            if (!Files.isDirectory(from)) {
                throw new ModelFileException(directory, "holds no '" + m.name() + "' directory; expected one per model"
                        + " trained together (" + names(members) + ")", null);
            }
            TrainingState state = SavedModel.inDirectory(from, () -> {
                Manifest.verified(from);
                return TrainingState.read(from);
            });
            SavedModel.inDirectory(from, () -> {
                TrainingCheckpoint.restoreTrainee(from, state, m.model(), m.optimizer());
                return null;
            });
            Progress here = new Progress(state.epoch(), state.globalStep(), state.epochs(), state.batchSize(),
                    state.seed(), state.values());
            if (progress == null) {
                progress = here;
                first = m.name();
            } else if (here.epoch() != progress.epoch() || here.step() != progress.step()) {
                throw new ModelFileException(directory, "'" + m.name() + "' was saved after epoch " + here.epoch()
                        + " (step " + here.step() + ") but '" + first + "' after epoch " + progress.epoch() + " (step "
                        + progress.step() + "); the models of one checkpoint must be saved together", null);
            }
        }
        return progress;
    }

    private static List<Member> distinct(List<Member> members) {
        if (members.isEmpty()) {
            throw new KilnException("a joint checkpoint needs at least one model");
        }
        Set<String> seen = new HashSet<>();
        for (Member m : members) {
            if (!seen.add(m.name())) {
                throw new KilnException("two checkpoint members are named '" + m.name() + "'");
            }
        }
        return members;
    }

    private static String names(List<Member> members) {
        return String.join(", ", members.stream().map(Member::name).toList());
    }
}
