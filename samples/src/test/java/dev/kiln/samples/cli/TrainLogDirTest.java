package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.samples.commandline.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainLogDirTest {
    @TempDir
    Path runs;

    @Test
    void logdirWritesTrainingEventFiles() throws IOException {
        Path logs = runs.resolve("logs");
        CommandRun run = CommandRun.of("train", "xor", "--backend", "cpu", "--epochs", "3", "--out",
                runs.resolve("xor").toString(), "--logdir", logs.toString());
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        List<Path> files = files(logs.resolve("train"));
        assertEquals(1, files.size(), files.toString());
        assertTrue(files.get(0).getFileName().toString().startsWith("events.out.tfevents."), files.toString());
        assertTrue(Files.size(files.get(0)) > 0);
    }

    @Test
    void aGanSampleLogsBothModelsInRunsOfTheirOwn() throws IOException {
        Path logs = runs.resolve("logs");
        CommandRun run = CommandRun.of("train", "gan-1d", "--backend", "cpu", "--epochs", "1", "--out",
                runs.resolve("gan").toString(), "--logdir", logs.toString());
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        assertEquals(List.of("discriminator", "generator"),
                files(logs).stream().map(p -> p.getFileName().toString()).sorted().toList());
        for (Path model : files(logs)) {
            List<Path> events = files(model);
            assertEquals(1, events.size(), events.toString());
            assertTrue(Files.size(events.get(0)) > 0);
        }
        assertFalse(run.err().contains("WARN"), run.err());
    }

    @Test
    void anUnwritableLogdirIsAUsageError() throws IOException {
        Path blocker = Files.writeString(runs.resolve("file"), "x");
        Path logs = blocker.resolve("logs");
        Path out = runs.resolve("never");
        CommandRun run = CommandRun.of("train", "xor", "--backend", "cpu", "--out", out.toString(), "--logdir",
                logs.toString());
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.firstErrorLine().startsWith("kiln: ") && run.firstErrorLine().contains("--logdir " + logs),
                run.err());
        assertFalse(Files.exists(out), "nothing is trained or written");
    }

    private static List<Path> files(Path directory) throws IOException {
        try (Stream<Path> listing = Files.list(directory)) {
            return listing.toList();
        }
    }
}
