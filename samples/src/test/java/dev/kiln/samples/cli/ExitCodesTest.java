package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kiln.samples.commandline.ExitCodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every command with each kind of mistake: the kind decides the exit code, whichever command it is made in. */
class ExitCodesTest {
    private static Path dir;
    private static Path model;
    private static Path damaged;
    private static Path table;
    private static Path inputs;

    @BeforeAll
    static void saveAModel() throws IOException {
        dir = Files.createTempDirectory("kiln-exit-codes");
        model = dir.resolve("model");
        CommandRun trained = CommandRun.of("train", "xor", "--backend", "cpu", "--epochs", "2", "--save-model",
                model.toString(), "--out", dir.resolve("run").toString());
        assertEquals(ExitCodes.SUCCESS, trained.exitCode(), trained.err());
        damaged = Files.createDirectories(dir.resolve("damaged"));
        table = Files.writeString(dir.resolve("xor.csv"), "a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n");
        inputs = Files.writeString(dir.resolve("inputs.csv"), "a,b\n0,1\n");
    }

    @AfterAll
    static void removeFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    static Stream<Arguments> mistakes() {
        List<Arguments> cases = new ArrayList<>();
        // an unknown option
        usage(cases, "devices", "--colour");
        usage(cases, "train", "xor", "--frobnicate");
        usage(cases, "train", "csv", "--file", table(), "--label", "y", "--frobnicate");
        usage(cases, "predict", "--model", model(), "--input", inputs(), "--frobnicate");
        usage(cases, "evaluate", "--model", model(), "--data", table(), "--frobnicate");
        usage(cases, "parity", "--frobnicate");
        usage(cases, "data", "mnist", "--frobnicate");
        usage(cases, "bench", "gemm", "--frobnicate");
        // a bad option value
        usage(cases, "train", "xor", "--epochs", "0");
        usage(cases, "train", "csv", "--file", table(), "--label", "y", "--test-fraction", "1.5");
        usage(cases, "train", "csv", "--file", table(), "--label", "y", "--test-fraction", "NaN");
        usage(cases, "train", "csv", "--file", table(), "--label", "y", "--validation-fraction", "-0.1");
        usage(cases, "train", "csv", "--file", table(), "--label", "y", "--validation-fraction", "0.5",
                "--test-fraction", "0.5");
        usage(cases, "train", "gan-1d", "--loss", "bogus");
        usage(cases, "evaluate", "--model", model(), "--data", table(), "--loss", "bogus");
        usage(cases, "evaluate", "--model", model(), "--data", table(), "--metrics", "accuracy,bogus");
        usage(cases, "predict", "--model", model(), "--input", inputs(), "--dtype", "f16");
        usage(cases, "parity", "--dtype", "f16");
        usage(cases, "data", "cifar10");
        usage(cases, "bench", "mnist-cnn", "--batch-size", "0");
        // an unknown backend
        usage(cases, "train", "xor", "--backend", "tpu");
        usage(cases, "predict", "--model", model(), "--input", inputs(), "--backend", "tpu");
        usage(cases, "evaluate", "--model", model(), "--data", table(), "--backend", "tpu");
        usage(cases, "bench", "gemm", "tpu");
        usage(cases, "bench", "mnist-mlp", "tpu");
        // a damaged model
        damagedModel(cases, "predict", "--model", damaged(), "--input", inputs(), "--backend", "cpu");
        damagedModel(cases, "evaluate", "--model", damaged(), "--data", table(), "--backend", "cpu");
        return cases.stream();
    }

    private static void usage(List<Arguments> cases, String... args) {
        cases.add(Arguments.of(String.join(" ", args), ExitCodes.USAGE, args));
    }

    private static void damagedModel(List<Arguments> cases, String... args) {
        cases.add(Arguments.of(String.join(" ", args), ExitCodes.DAMAGED_MODEL, args));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void theKindOfMistakeDecidesTheExitCode(String description, int expected, String[] args) {
        CommandRun run = CommandRun.of(args);
        assertEquals(expected, run.exitCode(), description + ":\n" + run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace for a user's mistake: " + run.err());
    }

    /** An unknown backend named by the kiln.backend setting is the same mistake as one named by --backend. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backendCommands")
    void anUnknownBackendSettingIsAUsageError(String command, String[] args) {
        CommandRun run = withSetting("kiln.backend", "tpu", args);
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    /** A known backend that cannot run here: no OpenCL device matches the kiln.opencl.device setting. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("openClCommands")
    void aKnownBackendThatCannotRunHereIsExitCode3(String command, String[] args) {
        CommandRun run = withSetting("kiln.opencl.device", "no-such-device", args);
        assertEquals(ExitCodes.BACKEND_UNAVAILABLE, run.exitCode(), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    static Stream<Arguments> backendCommands() {
        return Stream.of(
                Arguments.of("train", new String[] {"train", "xor", "--epochs", "1", "--out",
                        dir.resolve("t").toString()}),
                Arguments.of("predict", new String[] {"predict", "--model", model(), "--input", inputs()}),
                Arguments.of("evaluate", new String[] {"evaluate", "--model", model(), "--data", table(), "--output",
                        dir.resolve("e.json").toString()}));
    }

    static Stream<Arguments> openClCommands() {
        return Stream.of(
                Arguments.of("train", new String[] {"train", "xor", "--backend", "opencl", "--epochs", "1"}),
                Arguments.of("predict", new String[] {"predict", "--model", model(), "--input", inputs(),
                        "--backend", "opencl"}),
                Arguments.of("evaluate", new String[] {"evaluate", "--model", model(), "--data", table(),
                        "--backend", "opencl"}),
                Arguments.of("parity", new String[] {"parity", "--quick"}));
    }

    private static CommandRun withSetting(String key, String value, String[] args) {
        String before = System.getProperty(key);
        System.setProperty(key, value);
        try {
            return CommandRun.of(args);
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    private static String model() {
        return model.toString();
    }

    private static String damaged() {
        return damaged.toString();
    }

    private static String inputs() {
        return inputs.toString();
    }

    private static String table() {
        return table.toString();
    }
}
