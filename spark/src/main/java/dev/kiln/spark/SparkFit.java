package dev.kiln.spark;

import dev.kiln.backend.Backend;
import dev.kiln.io.LoadedModel;
import dev.kiln.io.SavedModel;
import java.nio.file.Path;
import java.util.List;

/**
 * The result of a distributed fit.
 *
 * @param epochs the epochs this run trained, oldest first
 * @param checkpoint the directory of the last checkpoint, which holds the trained model
 */
public record SparkFit(List<SparkEpoch> epochs, Path checkpoint) {

    /** The trained model, read from the last checkpoint onto {@code backend}. */
    public LoadedModel load(Backend backend) {
        return SavedModel.load(checkpoint, backend);
    }
}
