package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.train.History;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a checkpointing training process at random moments, restarting it each time: after every kill the
 * latest complete checkpoint must load, and the next process must resume from it.
 */
class CheckpointKillTest {
    private static final int KILLS = 20;

    @TempDir
    Path dir;

    @Test
    void theLatestCompleteCheckpointSurvivesKillsAndResumes() throws Exception {
        Path root = dir.resolve("ckpt");
        CheckpointStore store = new CheckpointStore(root);
        Random random = new Random(7);
        int latestEpoch = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Process process = start(root, dir.resolve("trainer-" + kill + ".log"));
            try {
                waitForCheckpointAfter(latestEpoch, store, process);
                Thread.sleep(random.nextInt(300));
            } finally {
                process.destroyForcibly();
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the killed process ended");
            }
            CheckpointStore.Checkpoint latest = store.latestComplete().orElseThrow();
            TrainingState state = TrainingState.read(latest.directory());
            assertTrue(state.epoch() > latestEpoch, "kill " + kill + ": the latest complete checkpoint is of epoch "
                    + state.epoch() + ", the process had written one of a later epoch than " + latestEpoch);
            latestEpoch = state.epoch();
            try (Backend backend = Backends.select("cpu");
                 LoadedModel loaded = SavedModel.load(latest.directory(), backend)) {
                double prediction = loaded.predict(new double[][] {{0.1, 0.2, 0.3}})[0][0];
                assertTrue(Double.isFinite(prediction), "kill " + kill + ": prediction " + prediction);
            }
        }
        Resume resume = Resume.from(root);
        double[][][] d = ResumeTest.data();
        try (Backend backend = Backends.select("cpu");
             Sequential model = ResumeTest.model(backend, DType.F32, new Adam(0.01))) {
            int next = resume.state().epoch() + 1;
            History history = model.fit(d[0], d[1], resume.options(ResumeTest.options(next)));
            assertEquals(next, history.last().epoch());
            assertTrue(Double.isFinite(history.last().loss()));
        }
    }

    private static Process start(Path root, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CheckpointingTrainer.class.getName(), root.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Waits until the process has written a checkpoint of an epoch after {@code epoch}: it resumed and trains. */
    private static void waitForCheckpointAfter(int epoch, CheckpointStore store, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            List<CheckpointStore.Checkpoint> all = store.list();
            if (!all.isEmpty() && all.get(all.size() - 1).sequence() > epoch) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no checkpoint after epoch " + epoch + " within 60 s (process alive: "
                + process.isAlive() + ")");
    }
}
