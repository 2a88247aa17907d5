package dev.kiln.samples.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.samples.cli.CommandRun;
import dev.kiln.samples.commandline.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labels that train without error but cannot give a useful model are warnings in summary.json. */
class LabelWarningsTest {
    @TempDir
    Path dir;

    /** summary.json of {@code kiln train csv} on 40 rows of two features and the label {@code label(row)}. */
    private JsonNode summary(IntFunction<String> label, String task) throws IOException {
        StringBuilder text = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 40; i++) {
            text.append((i * 7 % 11) / 10.0).append(',').append((i * 5 % 13) / 10.0).append(',')
                    .append(label.apply(i)).append('\n');
        }
        Path file = Files.writeString(dir.resolve(task + ".csv"), text);
        Path run = dir.resolve("run-" + task + "-" + label.apply(0));
        CommandRun train = CommandRun.of("train", "csv", "--file", file.toString(), "--label", "y", "--task", task,
                "--epochs", "2", "--backend", "cpu", "--out", run.toString());
        assertEquals(ExitCodes.SUCCESS, train.exitCode(), train.err());
        return new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    }

    private static void assertWarns(JsonNode summary, String... parts) {
        JsonNode warnings = summary.path("warnings");
        assertEquals(1, warnings.size(), summary.toString());
        for (String part : parts) {
            assertTrue(warnings.get(0).textValue().contains(part), warnings.get(0).textValue());
        }
    }

    @Test
    void aLabelOfOneClassIsAWarning() throws IOException {
        assertWarns(summary(row -> "cat", "classify"), "'y'", "one class", "'cat'");
    }

    @Test
    void aLabelWithAClassPerRowIsAWarning() throws IOException {
        assertWarns(summary(row -> "id" + row, "classify"), "'y'", "40 classes in 40 rows");
    }

    @Test
    void aConstantTargetIsAWarningAndItsUndefinedR2IsNull() throws IOException {
        JsonNode summary = summary(row -> "5", "regress");
        assertWarns(summary, "'y'", "5", "every row");
        assertTrue(summary.path("test_r2").isNull() && summary.path("test_r2_reason").isTextual(), summary.toString());
    }

    @Test
    void anOrdinaryLabelHasNoWarnings() throws IOException {
        assertTrue(summary(row -> Integer.toString(row % 3), "classify").path("warnings").isMissingNode());
    }
}
