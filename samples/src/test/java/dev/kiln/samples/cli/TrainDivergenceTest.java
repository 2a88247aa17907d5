package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.samples.commandline.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose loss is no longer finite ends with exit code 5, after writing what it trained. */
class TrainDivergenceTest {
    private static final List<String> NON_FINITE = List.of("NaN", "Infinity", "-Infinity");

    @TempDir
    Path dir;

    private Path table() throws IOException {
        StringBuilder text = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 200; i++) {
            double a = (i * 37 % 101) / 100.0;
            double b = (i * 53 % 97) / 96.0;
            text.append(a).append(',').append(b).append(',').append(3 * a - 2 * b).append('\n');
        }
        return Files.writeString(dir.resolve("values.csv"), text);
    }

    @Test
    void aLossThatOverflowsEndsWithExitCode5AndFiniteJson() throws IOException {
        Path run = dir.resolve("run");
        Path model = dir.resolve("model");
        CommandRun train = CommandRun.of("train", "csv", "--file", table().toString(), "--label", "y", "--task",
                "regress", "--learning-rate", "1e9", "--epochs", "5", "--backend", "cpu", "--out", run.toString(),
                "--save-model", model.toString());

        assertEquals(ExitCodes.DIVERGED, train.exitCode(), train.err());
        assertEquals(1, train.err().lines().count(), train.err());
        assertTrue(train.firstErrorLine().contains("training diverged") && train.firstErrorLine().contains(
                run.toString()), train.firstErrorLine());
        assertTrue(Files.isRegularFile(run.resolve("history.csv")), "the epochs trained are written");
        assertFalse(Files.exists(model.resolve("model.json")), "weights that are no longer finite are not saved");

        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertTrue(summary.path("divergence").isTextual(), summary.toString());
        assertTrue(summary.path("test_loss").isNull(), summary.toString());
        assertTrue(summary.path("test_loss_reason").isTextual(), summary.toString());
        assertOnlyFiniteNumbers(summary);
    }

    /** No number is written as a string, and each null has a reason beside it. */
    static void assertOnlyFiniteNumbers(JsonNode node) {
        if (node.isTextual()) {
            assertFalse(NON_FINITE.contains(node.textValue()), "a number written as the string " + node);
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getValue().isNull()) {
                    assertTrue(node.path(field.getKey() + "_reason").isTextual(), field.getKey() + " without reason");
                }
                assertOnlyFiniteNumbers(field.getValue());
            }
        }
        node.elements().forEachRemaining(TrainDivergenceTest::assertOnlyFiniteNumbers);
    }
}
