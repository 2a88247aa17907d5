package dev.kiln.samples.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.samples.cli.CommandRun;
import dev.kiln.samples.commandline.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainStorageTest {
    @TempDir
    Path dir;

    @Test
    void aResumedRunSavesTheSameWeightsAsAStraightRun() throws IOException {
        Path checkpoints = dir.resolve("checkpoints");
        CommandRun first = CommandRun.of("train", "xor", "--backend", "cpu", "--epochs", "6",
                "--checkpoints", checkpoints.toString(), "--out", dir.resolve("run1").toString());
        assertEquals(ExitCodes.SUCCESS, first.exitCode(), first.err());
        CommandRun resumed = CommandRun.of("train", "xor", "--backend", "cpu", "--epochs", "10",
                "--resume", checkpoints.toString(), "--save-model", dir.resolve("resumed").toString(),
                "--out", dir.resolve("run2").toString());
        assertEquals(ExitCodes.SUCCESS, resumed.exitCode(), resumed.err());
        CommandRun straight = CommandRun.of("train", "xor", "--backend", "cpu", "--epochs", "10",
                "--save-model", dir.resolve("straight").toString(), "--out", dir.resolve("run3").toString());
        assertEquals(ExitCodes.SUCCESS, straight.exitCode(), straight.err());

        assertArrayEquals(Files.readAllBytes(dir.resolve("straight/weights.safetensors")),
                Files.readAllBytes(dir.resolve("resumed/weights.safetensors")));
        assertEquals(List.of("ckpt-000000000008", "ckpt-000000000009", "ckpt-000000000010"), names(checkpoints),
                "the resumed run checkpoints into the same directory, keeping the last 3");
    }

    @Test
    void aDamagedCheckpointIsOneLineAndExitCode4() throws IOException {
        Path checkpoints = dir.resolve("checkpoints");
        CommandRun first = CommandRun.of("train", "xor", "--backend", "cpu", "--epochs", "1",
                "--checkpoints", checkpoints.toString(), "--out", dir.resolve("run1").toString());
        assertEquals(ExitCodes.SUCCESS, first.exitCode(), first.err());
        Path checkpoint = checkpoints.resolve("ckpt-000000000001");
        Files.writeString(checkpoint.resolve("training.json"), "{}");

        CommandRun resumed = CommandRun.of("train", "xor", "--backend", "cpu", "--epochs", "3",
                "--resume", checkpoint.toString(), "--out", dir.resolve("run2").toString());
        assertEquals(ExitCodes.DAMAGED_MODEL, resumed.exitCode(), resumed.err());
        assertEquals(1, resumed.err().lines().count(), resumed.err());
        assertTrue(resumed.firstErrorLine().contains("training.json"), resumed.firstErrorLine());
    }

    @Test
    void aResumedRunReportsTheTotalAndTheEpochsItRanAndKeepsTheWholeHistory() throws IOException {
        Path checkpoints = dir.resolve("checkpoints");
        assertEquals(ExitCodes.SUCCESS, xor("6", "--checkpoints", checkpoints.toString(), "--out", "run1").exitCode());
        CommandRun resumed = xor("10", "--resume", checkpoints.toString(), "--out", "run2");
        assertEquals(ExitCodes.SUCCESS, resumed.exitCode(), resumed.err());
        assertEquals(ExitCodes.SUCCESS, xor("10", "--out", "run3").exitCode());

        JsonNode summary = new ObjectMapper().readTree(dir.resolve("run2/summary.json").toFile());
        assertEquals(10, summary.get("epochs").asInt(), summary.toString());
        assertEquals(4, summary.get("epochs_run").asInt(), summary.toString());
        assertEquals(10, summary.get("seconds_per_epoch").size(), summary.toString());
        assertEquals(lossColumns("run3"), lossColumns("run2"), "the whole history, as the uninterrupted run's");
    }

    @Test
    void resumingACheckpointWhoseRunIsOverSaysSo() throws IOException {
        Path checkpoints = dir.resolve("checkpoints");
        assertEquals(ExitCodes.SUCCESS, xor("4", "--checkpoints", checkpoints.toString(), "--out", "run1").exitCode());
        CommandRun again = xor("4", "--resume", checkpoints.toString(), "--out", "run2");
        assertEquals(ExitCodes.FAILURE, again.exitCode(), again.err());
        assertTrue(again.firstErrorLine().contains("already trained all 4 epochs"), again.firstErrorLine());
        assertTrue(again.firstErrorLine().contains("more than 4"), again.firstErrorLine());
    }

    @Test
    void resumingAnEarlyStoppedRunSaysSo() throws IOException {
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 80; i++) {
            csv.append(i % 7).append(',').append(i * 31 % 5 == 0 ? "a" : "b").append('\n');
        }
        Path table = Files.writeString(dir.resolve("noise.csv"), csv);
        Path checkpoints = dir.resolve("checkpoints");
        String[] run = {"train", "csv", "--file", table.toString(), "--label", "y", "--hidden", "4", "--patience", "1",
            "--backend", "cpu", "--epochs", "200", "--learning-rate", "0.1", "--checkpoints", checkpoints.toString()};
        CommandRun first = CommandRun.of(append(run, "--out", dir.resolve("run1").toString()));
        assertEquals(ExitCodes.SUCCESS, first.exitCode(), first.err());
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("run1/summary.json").toFile());
        assertTrue(summary.has("stop_reason"), "the run must stop early for this test to mean anything: " + summary);

        CommandRun again = CommandRun.of(append(run, "--resume", checkpoints.toString(), "--out",
                dir.resolve("run2").toString()));
        assertEquals(ExitCodes.FAILURE, again.exitCode(), again.err());
        assertTrue(again.firstErrorLine().contains("stopped early"), again.firstErrorLine());
    }

    @Test
    void aChangedLearningRateIsRefusedUnlessAskedForAndThenUsed() throws IOException {
        Path checkpoints = dir.resolve("checkpoints");
        assertEquals(ExitCodes.SUCCESS, xor("3", "--checkpoints", checkpoints.toString(), "--out", "run1").exitCode());
        CommandRun refused = xor("6", "--resume", checkpoints.toString(), "--learning-rate", "0.2", "--out", "run2");
        assertEquals(ExitCodes.FAILURE, refused.exitCode(), refused.err());
        String line = refused.firstErrorLine();
        assertTrue(line.contains("--learning-rate 0.05") && line.contains("0.2"), line);
        assertTrue(line.contains("--resume-with-changes"), line);
        assertFalse(Files.exists(dir.resolve("run2/summary.json")));

        CommandRun changed = xor("6", "--resume", checkpoints.toString(), "--learning-rate", "0.2", "--out", "run3",
                "--resume-with-changes");
        assertEquals(ExitCodes.SUCCESS, changed.exitCode(), changed.err());
        List<String> rows = Files.readAllLines(dir.resolve("run3/history.csv"));
        assertTrue(rows.get(3).endsWith(",0.05"), "epoch 3 ran before the change: " + rows.get(3));
        assertTrue(rows.get(4).endsWith(",0.2"), "epoch 4 runs with the new rate: " + rows.get(4));
    }

    private CommandRun xor(String epochs, String... options) {
        String[] run = append(new String[] {"train", "xor", "--backend", "cpu", "--epochs", epochs}, options);
        for (int i = 0; i < run.length - 1; i++) {
            if (run[i].equals("--out")) {
                run[i + 1] = dir.resolve(run[i + 1]).toString();
            }
        }
        return CommandRun.of(run);
    }

    private static String[] append(String[] first, String... more) {
        return Stream.concat(Stream.of(first), Stream.of(more)).toArray(String[]::new);
    }

    /** Epoch, loss and accuracy of each row of a run's history. */
    private List<String> lossColumns(String run) throws IOException {
        return Files.readAllLines(dir.resolve(run).resolve("history.csv")).stream()
                .map(row -> String.join(",", List.of(row.split(",")).subList(0, 3))).toList();
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
