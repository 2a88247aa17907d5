package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.KilnSettings;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.Backends;
import dev.kiln.samples.commandline.ExitCodes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

class TrainCommandTest {
    @TempDir
    Path runs;

    private static void assertUsageError(CommandRun run, String expectedInFirstLine) {
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.firstErrorLine().startsWith("kiln: "), run.err());
        assertTrue(run.firstErrorLine().contains(expectedInFirstLine), run.err());
        assertTrue(run.err().contains("Usage: kiln train"), "usage follows the error line: " + run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace for a user error: " + run.err());
    }

    @Test
    void unknownSampleIsAUsageError() {
        assertUsageError(CommandRun.of("train", "nope"), "unknown sample 'nope'");
    }

    @Test
    void unknownBackendIsAUsageError() {
        assertUsageError(CommandRun.of("train", "xor", "--backend", "tpu"), "unknown backend 'tpu'");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertUsageError(CommandRun.of("train", "xor", "--frobnicate"), "--frobnicate");
    }

    @Test
    void badValuesAreUsageErrors() {
        assertUsageError(CommandRun.of("train", "xor", "--epochs", "many"), "--epochs");
        assertUsageError(CommandRun.of("train", "xor", "--epochs", "0"), "--epochs must be at least 1");
        assertUsageError(CommandRun.of("train", "xor", "--batch-size", "-3"), "--batch-size must be at least 1");
        assertUsageError(CommandRun.of("train", "xor", "--learning-rate", "-0.1"), "--learning-rate");
        assertUsageError(CommandRun.of("train", "xor", "--seed", "1.5"), "--seed");
    }

    @Test
    void missingSampleIsAUsageError() {
        assertUsageError(CommandRun.of("train"), "SAMPLE");
    }

    @Test
    void openClTrainsWhenAvailableAndExitsThreeWithTheReasonOtherwise() throws IOException {
        Optional<BackendProvider> openCl = Backends.providers().stream()
                .filter(provider -> provider.name().equals("opencl"))
                .findFirst();
        Path out = runs.resolve("xor-opencl");
        CommandRun run = CommandRun.of("train", "xor", "--backend", "opencl", "--out", out.toString());
        if (openCl.isPresent() && openCl.get().probe().available()) {
            assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
            assertEquals("opencl", summary(out).get("backend").asText());
            assertEquals(openCl.get().probe().devices().get(openCl.get().probe().defaultDevice()).name(),
                    summary(out).get("device").asText());
        } else {
            assertFalse(KilnSettings.requireOpenCl(), "KILN_REQUIRE_OPENCL is set but OpenCL is unavailable: "
                    + openCl.map(provider -> provider.probe().reason()).orElse("no OpenCL provider"));
            assertEquals(ExitCodes.BACKEND_UNAVAILABLE, run.exitCode(), run.err());
            String reason = openCl.map(provider -> provider.probe().reason()).orElse("unknown backend 'opencl'");
            assertTrue(run.firstErrorLine().contains(reason), run.err());
            assertFalse(run.err().contains("\tat "), run.err());
            assertFalse(Files.exists(out), "nothing is written when no backend runs");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"toy", "xor"})
    void openClReachesTheCpuResultsFromTheSameSeed(String sample) throws IOException {
        boolean available = Backends.providers().stream()
                .anyMatch(provider -> provider.name().equals("opencl") && provider.probe().available());
        assumeTrue(available || KilnSettings.requireOpenCl(), "no OpenCL device and KILN_REQUIRE_OPENCL unset");
        JsonNode cpu = trained(sample, "cpu");
        JsonNode openCl = trained(sample, "opencl");
        assertEquals("opencl", openCl.get("backend").asText());
        assertEquals(cpu.get("epochs").asInt(), openCl.get("epochs").asInt());
        assertEquals(cpu.get("train_loss").asDouble(), openCl.get("train_loss").asDouble(), 1e-4, openCl.toString());
        if (cpu.has("train_accuracy")) {
            assertEquals(cpu.get("train_accuracy").asDouble(), openCl.get("train_accuracy").asDouble(), openCl.toString());
        }
        if (cpu.has("predictions")) {
            cpu.get("predictions").fields().forEachRemaining(entry -> assertEquals(entry.getValue().asDouble(),
                    openCl.get("predictions").get(entry.getKey()).asDouble(), 1e-4, entry.getKey()));
        }
    }

    private JsonNode trained(String sample, String backend) throws IOException {
        Path out = runs.resolve(sample + "-" + backend);
        CommandRun run = CommandRun.of("train", sample, "--backend", backend, "--out", out.toString());
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        return summary(out);
    }

    @Test
    void toyConvergesThroughTheCommandLine() throws IOException {
        Path out = runs.resolve("toy");
        CommandRun run = CommandRun.of("train", "toy", "--backend", "cpu", "--out", out.toString());
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());

        JsonNode summary = summary(out);
        assertRunFields(summary, "toy", 1000);
        assertEquals(1, summary.get("batch_size").asInt());
        double emily = summary.get("predictions").get("Emily").asDouble();
        double frank = summary.get("predictions").get("Frank").asDouble();
        assertTrue(emily > 0.9, "Emily: " + emily);
        assertTrue(frank < 0.1, "Frank: " + frank);
        assertTrue(summary.get("train_loss").asDouble() < 0.05, summary.toString());
        assertHistoryRows(out, 1000);
        assertTrue(run.out().contains("Emily"), run.out());
    }

    @Test
    void xorReachesFullAccuracyThroughTheCommandLine() throws IOException {
        Path out = runs.resolve("xor");
        CommandRun run = CommandRun.of("train", "xor", "--backend", "cpu", "--out", out.toString());
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());

        JsonNode summary = summary(out);
        int epochs = summary.get("epochs").asInt();
        assertRunFields(summary, "xor", epochs);
        assertEquals(1.0, summary.get("train_accuracy").asDouble(), summary.toString());
        assertHistoryRows(out, epochs);
    }

    @Test
    void optionsOverrideTheSampleDefaults() throws IOException {
        Path out = runs.resolve("xor-short");
        CommandRun run = CommandRun.of("train", "xor", "--backend", "cpu", "--epochs", "3", "--batch-size", "2",
                "--learning-rate", "0.05", "--seed", "7", "--out", out.toString());
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());

        JsonNode summary = summary(out);
        assertRunFields(summary, "xor", 3);
        assertEquals(2, summary.get("batch_size").asInt());
        assertEquals(0.05, summary.get("learning_rate").asDouble());
        assertEquals(7, summary.get("seed").asLong());
        assertHistoryRows(out, 3);
    }

    private static void assertRunFields(JsonNode summary, String sample, int epochs) {
        for (String field : List.of("sample", "backend", "device", "epochs", "batch_size", "seed", "parameters",
                "train_loss", "seconds_per_epoch", "samples_per_second")) {
            assertTrue(summary.has(field), field + " missing from " + summary);
        }
        assertEquals(sample, summary.get("sample").asText());
        assertEquals("cpu", summary.get("backend").asText());
        assertFalse(summary.get("device").asText().isBlank());
        assertEquals(epochs, summary.get("epochs").asInt());
        assertEquals(epochs, summary.get("seconds_per_epoch").size());
        assertTrue(summary.get("parameters").asLong() > 0);
        assertTrue(summary.get("samples_per_second").asDouble() > 0);
    }

    private static void assertHistoryRows(Path out, int epochs) throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("history.csv"));
        assertEquals(epochs + 1, lines.size(), "a header and one row per epoch");
        List<String> header = List.of(lines.get(0).split(","));
        assertEquals("epoch", header.get(0));
        assertTrue(header.contains("loss") && header.contains("seconds") && header.contains("learning_rate"),
                lines.get(0));
        for (int row = 1; row <= epochs; row++) {
            String[] cells = lines.get(row).split(",", -1);
            assertEquals(header.size(), cells.length, lines.get(row));
            assertEquals(row, Integer.parseInt(cells[0]));
        }
    }

    private static JsonNode summary(Path out) throws IOException {
        return new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    }
}
