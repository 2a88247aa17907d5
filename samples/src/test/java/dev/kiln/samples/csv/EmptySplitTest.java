package dev.kiln.samples.csv;

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
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fraction of 0 leaves that part of the split empty: its metrics are left out, training still reports. */
class EmptySplitTest {
    @TempDir
    Path dir;

    private Path table() throws IOException {
        SplittableRandom random = new SplittableRandom(4);
        StringBuilder csv = new StringBuilder("x1,x2,y\n");
        for (int i = 0; i < 120; i++) {
            double x1 = random.nextGaussian();
            double x2 = random.nextGaussian();
            csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%d%n", x1, x2, x1 + x2 > 0 ? 1 : 0));
        }
        return Files.writeString(dir.resolve("table.csv"), csv);
    }

    private JsonNode trained(String fraction, String value) throws IOException {
        Path out = dir.resolve("run" + fraction);
        CommandRun run = CommandRun.of("train", "csv", "--file", table().toString(), "--label", "y", "--hidden", "4",
                fraction, value, "--backend", "cpu", "--epochs", "3", "--out", out.toString());
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        assertTrue(Files.exists(out.resolve("history.csv")), "the history is written");
        return new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    }

    @Test
    void noTestRowsLeavesOutTheTestMetrics() throws IOException {
        JsonNode summary = trained("--test-fraction", "0");
        assertFalse(summary.has("test_loss"), summary.toString());
        assertFalse(summary.has("test_accuracy"), summary.toString());
        assertTrue(summary.has("val_loss"), summary.toString());
        assertEquals(3, summary.get("epochs").asInt());
    }

    @Test
    void noValidationRowsTrainsEveryEpochWithoutValidation() throws IOException {
        JsonNode summary = trained("--validation-fraction", "0");
        assertFalse(summary.has("val_loss"), summary.toString());
        assertTrue(summary.has("test_loss"), summary.toString());
        assertEquals(3, summary.get("epochs").asInt());
    }
}
