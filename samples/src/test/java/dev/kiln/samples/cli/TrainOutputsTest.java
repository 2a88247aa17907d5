package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.samples.FileTrees;
import dev.kiln.samples.commandline.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code kiln train} writes: checked before the first epoch, never replaced silently, never lost at the end. */
class TrainOutputsTest {
    @TempDir
    Path dir;

    /** Trains xor on the CPU, for 5 epochs unless the options say otherwise. */
    private static CommandRun xor(String... options) {
        Stream<String> epochs = List.of(options).contains("--epochs") ? Stream.of() : Stream.of("--epochs", "5");
        return CommandRun.of(Stream.of(Stream.of("train", "xor", "--backend", "cpu"), epochs, Stream.of(options))
                .flatMap(s -> s).toArray(String[]::new));
    }

    private static void assertRefused(CommandRun run, String... expected) {
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        for (String text : expected) {
            assertTrue(run.firstErrorLine().contains(text), "'" + text + "' in: " + run.firstErrorLine());
        }
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anOutputDirectoryThatIsAFileIsRefusedBeforeTraining() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.txt"), "mine");
        Path model = dir.resolve("model");
        assertRefused(xor("--out", file.toString(), "--save-model", model.toString()), "--out", "notes.txt",
                "not a directory");
        assertFalse(Files.exists(model), "nothing is trained or saved");
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void aModelOrCheckpointDirectoryThatCannotBeCreatedIsRefusedBeforeTraining() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "a file, not a directory");
        Path out = dir.resolve("run");
        assertRefused(xor("--out", out.toString(), "--save-model", file.resolve("model").toString()),
                "--save-model", "plain");
        assertFalse(Files.exists(out.resolve("summary.json")), "nothing is trained");
        assertRefused(xor("--out", out.toString(), "--checkpoints", file.resolve("checkpoints").toString()),
                "--checkpoints", "plain");
        assertFalse(Files.exists(out), "the run directory, created only to check it, is removed again");
    }

    @Test
    void aRunThatFailsBeforeTrainingLeavesNoEmptyDirectoriesBehind() {
        Path missing = dir.resolve("missing.csv");
        Path out = dir.resolve("runs").resolve("csv");
        CommandRun run = CommandRun.of("train", "csv", "--backend", "cpu", "--file", missing.toString(), "--label",
                "y", "--out", out.toString());
        assertTrue(run.exitCode() != 0 && run.firstErrorLine().contains("missing.csv"), run.err());
        assertFalse(Files.exists(dir.resolve("runs")), "runs/ was created and left behind");
    }

    @Test
    void whenTheModelCannotBeSavedAtTheEndTheSummaryAndHistoryAreStillWritten() throws Exception {
        Path models = dir.resolve("models");
        Path checkpoints = dir.resolve("checkpoints");
        Path out = dir.resolve("run");
        // once the first epoch is checkpointed, the model's parent directory becomes a file
        CompletableFuture<Void> spoiler = CompletableFuture.runAsync(() -> {
            try {
                while (!Files.exists(checkpoints.resolve("ckpt-000000000001"))) {
                    Thread.sleep(1);
                }
                FileTrees.delete(models);
                Files.writeString(models, "in the way");
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        CommandRun run = xor("--epochs", "30", "--checkpoints", checkpoints.toString(), "--save-model",
                models.resolve("xor").toString(), "--out", out.toString());
        spoiler.get(10, TimeUnit.SECONDS);

        assertEquals(ExitCodes.FAILURE, run.exitCode(), run.err());
        assertTrue(run.firstErrorLine().contains(models.resolve("xor").toString()), run.err());
        assertEquals(30, new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("epochs").asInt());
        assertEquals(31, Files.readAllLines(out.resolve("history.csv")).size());
        assertTrue(Files.exists(out.resolve("training.png")));
    }

    @Test
    void anExistingModelIsReplacedOnlyWithOverwriteAndThenAsAWhole() throws IOException {
        Path model = dir.resolve("model");
        assertEquals(ExitCodes.SUCCESS, xor("--save-model", model.toString(), "--out", dir.resolve("a").toString())
                .exitCode());
        byte[] first = Files.readAllBytes(model.resolve("weights.safetensors"));

        CommandRun refused = xor("--seed", "2", "--save-model", model.toString(), "--out", dir.resolve("b").toString());
        assertRefused(refused, "--save-model", "already holds a saved model", "--overwrite");
        assertArrayEquals(first, Files.readAllBytes(model.resolve("weights.safetensors")));
        assertFalse(Files.exists(dir.resolve("b/summary.json")), "nothing is trained");

        Files.writeString(model.resolve("stale.txt"), "from before");
        CommandRun replaced = xor("--seed", "2", "--save-model", model.toString(), "--out", dir.resolve("c").toString(),
                "--overwrite");
        assertEquals(ExitCodes.SUCCESS, replaced.exitCode(), replaced.err());
        assertFalse(Arrays.equals(first, Files.readAllBytes(model.resolve("weights.safetensors"))));
        assertEquals(List.of("manifest.json", "model.json", "weights.safetensors"), names(model));
        assertEquals(List.of("a", "c", "model"), names(dir), "no staging directory is left behind");
    }

    @Test
    void aGansTwoModelsAreReplacedTogether() throws IOException {
        Path models = dir.resolve("gan");
        String[] gan = {"train", "gan-1d", "--backend", "cpu", "--epochs", "1", "--save-model", models.toString()};
        assertEquals(ExitCodes.SUCCESS, CommandRun.of(append(gan, "--out", dir.resolve("a").toString())).exitCode());
        byte[] first = Files.readAllBytes(models.resolve("generator/weights.safetensors"));

        assertRefused(CommandRun.of(append(gan, "--out", dir.resolve("b").toString(), "--seed", "2")), "--save-model",
                "already holds a saved model");
        CommandRun replaced = CommandRun.of(append(gan, "--out", dir.resolve("c").toString(), "--seed", "2",
                "--overwrite"));
        assertEquals(ExitCodes.SUCCESS, replaced.exitCode(), replaced.err());
        assertEquals(List.of("discriminator", "generator"), names(models));
        assertFalse(Arrays.equals(first, Files.readAllBytes(models.resolve("generator/weights.safetensors"))));
    }

    private static String[] append(String[] first, String... more) {
        return Stream.concat(Stream.of(first), Stream.of(more)).toArray(String[]::new);
    }

    @Test
    void aDirectoryOfOtherFilesNeverReceivesAModel() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(folder.resolve("cat.jpg"), "meow");
        for (List<String> overwrite : List.of(List.<String>of(), List.of("--overwrite"))) {
            CommandRun run = xor(Stream.concat(Stream.of("--save-model", folder.toString(), "--out",
                    dir.resolve("run").toString()), overwrite.stream()).toArray(String[]::new));
            assertRefused(run, "--save-model", "photos", "not a saved model");
            assertEquals(List.of("cat.jpg"), names(folder));
        }
    }

    @Test
    void anExistingRunIsReplacedOnlyWithOverwriteAndThenAsAWhole() throws IOException {
        Path out = dir.resolve("run");
        assertEquals(ExitCodes.SUCCESS, xor("--out", out.toString()).exitCode());
        String first = Files.readString(out.resolve("summary.json"));

        assertRefused(xor("--epochs", "7", "--out", out.toString()), "--out", "already holds a run", "--overwrite");
        assertEquals(first, Files.readString(out.resolve("summary.json")));

        Files.writeString(out.resolve("epoch-099.png"), "from the run before");
        Path model = out.resolve("model");
        CommandRun replaced = xor("--epochs", "7", "--out", out.toString(), "--save-model", model.toString(),
                "--overwrite");
        assertEquals(ExitCodes.SUCCESS, replaced.exitCode(), replaced.err());
        assertEquals(7, new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("epochs").asInt());
        assertEquals(List.of("history.csv", "model", "report.html", "summary.json", "training.png"), names(out));
        assertTrue(Files.exists(model.resolve("weights.safetensors")), "the model saved inside the run stays");
        assertEquals(List.of("run"), names(dir), "no staging directory is left behind");
    }
}
