package dev.kiln.samples.persist;

import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.io.LoadedModel;
import dev.kiln.io.SavedModel;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** The saved model a command loads, {@code --model DIR}, checked against its manifest unless {@code --no-verify}. */
final class SavedModelOption {
    private static final Logger LOG = LoggerFactory.getLogger(SavedModelOption.class);

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Directory of a saved model.")
    private Path directory;

    @Option(names = "--no-verify",
            description = "Load the model without checking its files against its manifest.json (a model edited by"
                    + " hand); otherwise a model the manifest does not fully vouch for is damaged (exit code 4).")
    private boolean noVerify;

    Path directory() {
        return directory;
    }

    /** The model, loaded onto {@code backend} in {@code dtype} (null: as saved). */
    LoadedModel load(Backend backend, DType dtype) {
        if (noVerify) {
            LOG.warn("loading {} without checking its files against its manifest (--no-verify)", directory);
            return SavedModel.loadUnverified(directory, backend, dtype);
        }
        return SavedModel.load(directory, backend, dtype);
    }
}
