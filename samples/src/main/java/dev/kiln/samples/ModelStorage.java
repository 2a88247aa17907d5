package dev.kiln.samples;

import dev.kiln.backend.Backend;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.gan.GanFitOptions;
import dev.kiln.io.CheckpointCallback;
import dev.kiln.io.CheckpointStore;
import dev.kiln.io.Compilation;
import dev.kiln.io.Resume;
import dev.kiln.io.SavedModel;
import dev.kiln.model.Model;
import dev.kiln.monitor.GanTensorBoard;
import dev.kiln.monitor.TensorBoard;
import dev.kiln.monitor.TrainingRecorder;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.FitOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code kiln train} saves and resumes: a model directory written after training, checkpoints written every
 * epoch, a checkpoint to continue from (checkpointing then continues next to it), and TensorBoard event files.
 *
 * @param saveModel directory to save the trained model into, replaced as a whole once the model is written in full;
 *     or null
 * @param checkpoints directory of checkpoints written every epoch, or null
 * @param resume a checkpoint, or a directory of checkpoints whose latest complete one is used, or null
 * @param failures where a model that cannot be saved is reported, so that the run's other results are still
 *     written; null to fail at once
 * @param settings the settings the checkpoints record and a resumed run is checked against (fit samples only)
 * @param logDirectory directory of TensorBoard event files written every epoch, or null
 * @param recorder keeps the models' summaries and histograms for the run's report, or null
 * @param devices the backends a fit trains a replica of the model on each ({@code --devices}), the model's own
 *     first; empty to train on the model's backend alone
 */
public record ModelStorage(Path saveModel, Path checkpoints, Path resume, OutputFailures failures,
                           RunSettings settings, Path logDirectory, TrainingRecorder recorder, List<Backend> devices) {
    /** Checkpoints kept by {@code kiln train}. */
    static final int KEEP_LAST = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ModelStorage.class);

    /** Storage without TensorBoard event files. */
    public ModelStorage(Path saveModel, Path checkpoints, Path resume, OutputFailures failures,
                        RunSettings settings) {
        this(saveModel, checkpoints, resume, failures, settings, null, null, List.of());
    }

    public ModelStorage {
        devices = List.copyOf(devices);
    }

    /** Storage that records no settings and fails at once when the model cannot be saved. */
    public ModelStorage(Path saveModel, Path checkpoints, Path resume) {
        this(saveModel, checkpoints, resume, null, RunSettings.none());
    }

    /** Neither saving nor checkpointing nor resuming. */
    public static ModelStorage none() {
        return new ModelStorage(null, null, null);
    }

    /** This storage, also writing TensorBoard event files into {@code directory} (null for none). */
    public ModelStorage withLogDirectory(Path directory) {
        return new ModelStorage(saveModel, checkpoints, resume, failures, settings, directory, recorder, devices);
    }

    /** This storage, also recording the training into {@code value} (null for none). */
    public ModelStorage withRecorder(TrainingRecorder value) {
        return new ModelStorage(saveModel, checkpoints, resume, failures, settings, logDirectory, value, devices);
    }

    /** This storage, training on {@code backends} (the model's own first; empty for its own alone). */
    public ModelStorage withDevices(List<Backend> backends) {
        return new ModelStorage(saveModel, checkpoints, resume, failures, settings, logDirectory, recorder, backends);
    }

    /** Whether anything is saved, checkpointed or resumed. */
    public boolean isUsed() {
        return saveModel != null || checkpoints != null || resume != null;
    }

    /**
     * Where checkpoints are written: the checkpoint directory, else when resuming the directory of checkpoints that
     * {@code resume} names or the one holding the checkpoint it names; null for none.
     */
    public Path checkpointRoot() {
        if (checkpoints != null || resume == null) {
            return checkpoints;
        }
        return new CheckpointStore(resume).list().isEmpty() ? resume.toAbsolutePath().getParent() : resume;
    }

    /**
     * {@code options} with checkpointing, TensorBoard event files (scalars, and histograms of every weight and
     * gradient each epoch) and the recorder added and, when resuming, set to continue after the checkpoint; the
     * checkpoints record {@code compilation} and {@code normalization} (either may be null).
     */
    public FitOptions apply(FitOptions options, Compilation compilation, Standardization normalization) {
        Resume from = resume == null ? null : Resume.from(resume);
        Path checkpointRoot = checkpointRoot();
        FitOptions result = devices.isEmpty() ? options : options.toBuilder().devices(devices).build();
        if (checkpointRoot != null) {
            result = result.toBuilder().callbacks(CheckpointCallback.everyEpoch(checkpointRoot, KEEP_LAST)
                    .withCompilation(compilation).withNormalization(normalization)
                    .withSettings(settings.values())).build();
        }
        if (logDirectory != null) {
            result = result.toBuilder().callbacks(new TensorBoard(logDirectory).histogramsEvery(1)).build();
        }
        if (recorder != null) {
            result = result.toBuilder().callbacks(recorder).build();
        }
        if (from != null) {
            LOG.info("resuming from {} after epoch {}", from.directory(), from.state().epoch());
            if (settings.changesFrom(from.state().settings(), from.directory()).contains(RunSettings.LEARNING_RATE)) {
                from = from.withLearningRate(settings.learningRate());
            }
            result = from.options(result, settings.changesAllowed());
        }
        return result;
    }

    /**
     * {@code options} of a GAN's training with checkpoints of both models, TensorBoard event files (scalars, and
     * histograms of both models' weights) and the recorder every epoch and, when resuming, set to continue after the
     * checkpoint (checkpointing then continues next to it).
     */
    public GanFitOptions apply(GanFitOptions options) {
        GanFitOptions result = options.withDevices(devices);
        if (logDirectory != null) {
            result = result.withListener(new GanTensorBoard(logDirectory).histogramsEvery(1));
        }
        if (recorder != null) {
            result = result.withListener(recorder);
        }
        Path root = checkpointRoot();
        result = root == null ? result : result.withCheckpoints(root, KEEP_LAST);
        return resume == null ? result : result.withResume(resume);
    }

    /**
     * Saves each of several trained models (a GAN's) into a directory of its name under the model directory; none
     * when a weight of one is not finite.
     */
    public void save(Map<String, Model> models) {
        if (saveModel != null && models.values().stream().allMatch(this::hasFiniteWeights)) {
            save("models " + models.keySet(),
                    directory -> models.forEach((name, model) -> SavedModel.save(model, directory.resolve(name))));
        }
    }

    /** Saves the trained model when a model directory was asked for, unless a weight is no longer finite. */
    public void save(Model model, Compilation compilation, Standardization normalization) {
        if (saveModel != null && hasFiniteWeights(model)) {
            save("model", directory -> SavedModel.save(model, normalization, compilation, directory));
        }
    }

    /** Whether every weight of {@code model} is finite; a model that diverged is not saved, with a WARN line. */
    private boolean hasFiniteWeights(Model model) {
        for (Map.Entry<String, Tensor> weight : model.namedWeights().entrySet()) {
            if (!Arrays.stream(weight.getValue().toDoubleArray()).allMatch(Double::isFinite)) {
                LOG.warn("not saving the model to {}: weight '{}' holds NaN or infinite values, as training diverged",
                        saveModel, weight.getKey());
                return false;
            }
        }
        return true;
    }

    /** Writes {@code what} with {@code writer}; a failure goes to {@link #failures} when there are any. */
    private void save(String what, Consumer<Path> writer) {
        if (failures == null) {
            write(what, writer);
        } else {
            failures.attempt("the " + what + " into " + saveModel, () -> write(what, writer));
        }
    }

    /** Writes the model directory beside its place, then puts it there. */
    private void write(String what, Consumer<Path> writer) {
        StagedDirectory staged = StagedDirectory.beside(saveModel);
        try {
            writer.accept(staged.path());
            staged.commit();
        } catch (RuntimeException e) {
            staged.discard();
            throw e;
        }
        LOG.info("{} saved to {}", what, saveModel);
    }
}
