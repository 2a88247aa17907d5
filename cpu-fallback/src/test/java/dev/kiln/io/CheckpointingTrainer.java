package dev.kiln.io;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.train.FitOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A training process for {@link CheckpointKillTest}: trains for a very long time, checkpointing every epoch into
 * the directory given as its argument, and resumes from the latest complete checkpoint there when one exists.
 */
public final class CheckpointingTrainer {
    static final int EPOCHS = 1_000_000;

    private CheckpointingTrainer() {
    }

    public static void main(String[] args) {
        Path root = Path.of(args[0]);
        double[][][] d = ResumeTest.data();
        FitOptions options = options(root);
        try (Backend backend = Backends.select("cpu");
             Sequential model = ResumeTest.model(backend, DType.F32, new Adam(0.01))) {
            boolean resuming = Files.isDirectory(root) && new CheckpointStore(root).latestComplete().isPresent();
            model.fit(d[0], d[1], resuming ? Resume.from(root).options(options) : options);
        }
    }

    static FitOptions options(Path root) {
        return ResumeTest.options(EPOCHS).toBuilder().callbacks(CheckpointCallback.everyEpoch(root, 2)).build();
    }
}
