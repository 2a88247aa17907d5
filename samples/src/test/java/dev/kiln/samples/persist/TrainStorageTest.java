package dev.kiln.samples.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
