package dev.kiln.samples;

import dev.kiln.data.preprocess.Standardization;
import dev.kiln.gan.GanFitOptions;
import dev.kiln.io.CheckpointCallback;
import dev.kiln.io.CheckpointStore;
import dev.kiln.io.Compilation;
import dev.kiln.io.Resume;
import dev.kiln.io.SavedModel;
import dev.kiln.model.Model;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.FitOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code kiln train} saves and resumes: a model directory written after training, checkpoints written every
 * epoch, and a checkpoint to continue from (checkpointing then continues next to it).
 *
 * @param saveModel directory to save the trained model into, or null
 * @param checkpoints directory of checkpoints written every epoch, or null
 * @param resume a checkpoint, or a directory of checkpoints whose latest complete one is used, or null
 */
public record ModelStorage(Path saveModel, Path checkpoints, Path resume) {
    /** Checkpoints kept by {@code kiln train}. */
    static final int KEEP_LAST = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ModelStorage.class);

    /** Neither saving nor checkpointing nor resuming. */
    public static ModelStorage none() {
        return new ModelStorage(null, null, null);
    }

    /** Whether anything is saved, checkpointed or resumed. */
    public boolean isUsed() {
        return saveModel != null || checkpoints != null || resume != null;
    }

    /**
     * {@code options} with checkpointing added and, when resuming, set to continue after the checkpoint; the
     * checkpoints record {@code compilation} and {@code normalization} (either may be null).
     */
    public FitOptions apply(FitOptions options, Compilation compilation, Standardization normalization) {
        Resume from = resume == null ? null : Resume.from(resume);
        Path checkpointRoot = checkpoints != null ? checkpoints
                : from != null ? from.directory().toAbsolutePath().getParent() : null;
        FitOptions result = options;
        if (checkpointRoot != null) {
            result = options.toBuilder().callbacks(CheckpointCallback.everyEpoch(checkpointRoot, KEEP_LAST)
                    .withCompilation(compilation).withNormalization(normalization)).build();
        }
        if (from != null) {
            LOG.info("resuming from {} after epoch {}", from.directory(), from.state().epoch());
            result = from.options(result);
        }
        return result;
    }

    /**
     * {@code options} of a GAN's training with checkpoints of both models every epoch and, when resuming, set to
     * continue after the checkpoint (checkpointing then continues next to it).
     */
    public GanFitOptions apply(GanFitOptions options) {
        Path root = checkpoints;
        if (root == null && resume != null) {
            // a checkpoint resumes into the directory that holds it; a directory of checkpoints into itself
            root = new CheckpointStore(resume).list().isEmpty() ? resume.toAbsolutePath().getParent() : resume;
        }
        GanFitOptions result = root == null ? options : options.withCheckpoints(root, KEEP_LAST);
        return resume == null ? result : result.withResume(resume);
    }

    /**
     * Saves each of several trained models (a GAN's) into a directory of its name under the model directory; none
     * when a weight of one is not finite.
     */
    public void save(Map<String, Model> models) {
        if (saveModel != null && models.values().stream().allMatch(this::hasFiniteWeights)) {
            models.forEach((name, model) -> SavedModel.save(model, saveModel.resolve(name)));
            LOG.info("models {} saved to {}", models.keySet(), saveModel);
        }
    }

    /** Saves the trained model when a model directory was asked for, unless a weight is no longer finite. */
    public void save(Model model, Compilation compilation, Standardization normalization) {
        if (saveModel != null && hasFiniteWeights(model)) {
            SavedModel.save(model, normalization, compilation, saveModel);
            LOG.info("model saved to {}", saveModel);
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
}
