package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.data.idx.IdxArray;
import dev.kiln.data.idx.IdxType;
import dev.kiln.data.idx.IdxWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TorchReferenceTest {
    private static final String OUTPUT = String.join("\n",
            "{\"epoch\": 1, \"seconds\": 12.5, \"loss\": 0.101}",
            "{\"epoch\": 2, \"seconds\": 11.25, \"loss\": 0.076}",
            "{\"epoch\": 3, \"seconds\": 11.75, \"loss\": 0.062}",
            "{\"torch\": \"1.13.0a0\", \"threads\": 2, \"test_accuracy\": 0.9866}", "");

    @TempDir
    Path dir;

    @Test
    void epochLinesAndTheSummaryAreParsed() throws Exception {
        TorchReference.Measured measured = TorchReference.parse(OUTPUT);
        assertEquals(List.of(12.5, 11.25, 11.75), measured.epochSeconds());
        assertEquals(List.of(0.101, 0.076, 0.062), measured.epochLosses());
        assertEquals(11.75, measured.medianSeconds());
        assertEquals("1.13.0a0", measured.torchVersion());
        assertEquals(2, measured.threads());
        assertEquals(0.9866, measured.testAccuracy());
    }

    @Test
    void theMedianOfAnEvenNumberOfEpochsIsTheMeanOfTheMiddleTwo() {
        TorchReference.Measured measured = new TorchReference.Measured(List.of(4.0, 1.0, 3.0, 2.0),
                List.of(0.4, 0.3, 0.2, 0.1), "2.1.0", 2, 0.99);
        assertEquals(2.5, measured.medianSeconds());
    }

    @Test
    void outputThatBreaksTheLineFormatIsRejectedWithTheOffendingLine() {
        assertUnreadable("Using CPU\n" + OUTPUT, "(not JSON): Using CPU");
        assertUnreadable("[1, 2]\n" + OUTPUT, "(not a JSON object): [1, 2]");
        assertUnreadable(OUTPUT.replace("\"epoch\": 2", "\"epoch\": 3"), "(epoch 2 expected)");
        assertUnreadable(OUTPUT.replace("\"loss\": 0.076", "\"loss\": \"low\""), "(no number 'loss')");
        assertUnreadable(OUTPUT + "{\"epoch\": 4, \"seconds\": 1, \"loss\": 0}", "(a line after the summary)");
        assertUnreadable(OUTPUT.replace("\"threads\": 2", "\"threads\": \"two\""),
                "(the summary needs a torch version and a thread count)");
        assertUnreadable(OUTPUT.lines().limit(3).reduce("", (a, b) -> a + b + "\n"), "(no timed epoch or no summary)");
        assertUnreadable("", "(no timed epoch or no summary)");
    }

    @Test
    void theScriptRunsWithTheSettingsAsArgumentsInTheInterpreterThatHasTorch() throws Exception {
        Path code = dir.resolve("code.py");
        Path arguments = dir.resolve("arguments.txt");
        String noTorch = FakeInterpreter.write(dir, "no-torch", "exit 1");
        String torch = FakeInterpreter.write(dir, "torch", String.join("\n",
                "[ \"$2\" = 'import numpy, torch' ] && exit 0",
                "printf '%s' \"$2\" > '" + code + "'",
                "shift 2",
                "printf '%s\\n' \"$@\" > '" + arguments + "'",
                "printf '%s\\n' '" + OUTPUT.lines().limit(2).reduce("", (a, b) -> a + b + "\n")
                        + OUTPUT.lines().skip(3).findFirst().orElseThrow() + "'"));
        TorchReference reference = new TorchReference(new PythonRunner(List.of(noTorch, torch), Duration.ofMinutes(1)));

        TorchReference.Result result = reference.run(new TorchReference.Settings(Path.of("/data/mnist"), 2, 1, 64, 3, 7,
                new TorchReference.Cnn(128, 0.25)));

        TorchReference.Measured measured = assertInstanceOf(TorchReference.Measured.class, result);
        assertEquals(List.of(12.5, 11.25), measured.epochSeconds());
        assertEquals(0.9866, measured.testAccuracy());
        assertEquals(TorchReference.script(), Files.readString(code));
        assertEquals(List.of("--data", "/data/mnist", "--epochs", "2", "--warm-up", "1", "--batch-size", "64",
                "--threads", "3", "--seed", "7", "--network", "cnn", "--dense", "128", "--dropout", "0.25"),
                Files.readAllLines(arguments));
    }

    /** The fake answers each line "epoch" with the next epoch and prints the summary at the end of its input. */
    private String interleavingInterpreter(Path received, Path arguments) throws Exception {
        return FakeInterpreter.write(dir, "interleaving", String.join("\n",
                "[ \"$2\" = 'import numpy, torch' ] && exit 0",
                "shift 2",
                "printf '%s\\n' \"$@\" > '" + arguments + "'",
                "echo '{\"ready\": true}'",
                "n=0",
                "while read line; do",
                "  echo \"$line\" >> '" + received + "'",
                "  [ \"$line\" = epoch ] || { echo \"bad line $line\" >&2; exit 3; }",
                "  n=$((n + 1))",
                "  echo \"{\\\"epoch\\\": $n, \\\"seconds\\\": $n.5, \\\"loss\\\": 0.25}\"",
                "done",
                "echo '{\"torch\": \"1.13.0a0\", \"threads\": 2, \"test_accuracy\": 0.97}'"));
    }

    @Test
    void interleavedEpochsRunOneAtATimeWhenAskedFor() throws Exception {
        Path received = dir.resolve("received.txt");
        Path arguments = dir.resolve("arguments.txt");
        String fake = interleavingInterpreter(received, arguments);
        try (TorchReference.Interleaved torch = reference(fake, Duration.ofMinutes(1)).interleaved(settings(2))) {
            assertTrue(Files.notExists(received), "no epoch runs before it is asked for");
            assertEquals(1.5, torch.epoch());
            assertEquals(List.of("epoch"), Files.readAllLines(received));
            assertEquals(2.5, torch.epoch());
            assertThrows(IllegalStateException.class, torch::epoch, "only the epochs of the settings");
            TorchReference.Measured measured = torch.finish();
            assertEquals(List.of(1.5, 2.5), measured.epochSeconds());
            assertEquals(0.97, measured.testAccuracy());
            assertEquals(List.of("epoch", "epoch"), Files.readAllLines(received));
            assertEquals(List.of("--data", "/data/mnist", "--epochs", "2", "--warm-up", "1", "--batch-size", "128",
                    "--threads", "2", "--seed", "42", "--network", "cnn", "--dense", "0", "--dropout", "0.5",
                    "--interleaved"), Files.readAllLines(arguments));
        }
    }

    @Test
    void alternatedKilnEpochsEachHandTheTurnToOneOfPyTorchs() throws Exception {
        Path received = dir.resolve("received.txt");
        String fake = interleavingInterpreter(received, dir.resolve("arguments.txt"));
        List<String> order = new ArrayList<>();
        List<TorchReference.Result> results = new ArrayList<>();
        double[] seconds = TorchPairs.alternate(
                () -> new TorchPairs(reference(fake, Duration.ofMinutes(1)).interleaved(settings(2))),
                afterEach -> {
                    for (int epoch = 1; epoch <= 2; epoch++) {
                        order.add("kiln " + epoch);
                        afterEach.run();
                        order.add("torch epochs asked: " + lines(received));
                    }
                    return new double[] {0.5, 0.75};
                }, results::add);
        assertArrayEquals(new double[] {0.5, 0.75}, seconds);
        assertEquals(List.of("kiln 1", "torch epochs asked: 1", "kiln 2", "torch epochs asked: 2"), order);
        assertEquals(List.of(1.5, 2.5), ((TorchReference.Measured) results.get(0)).epochSeconds());
    }

    @Test
    void withoutPyTorchTheKilnEpochsRunAloneAndTheReasonIsKept() {
        List<TorchReference.Result> results = new ArrayList<>();
        List<String> hooks = new ArrayList<>();
        double[] seconds = TorchPairs.alternate(() -> {
            throw new PythonRunner.Failure("no interpreter has torch");
        }, afterEach -> {
            afterEach.run();
            hooks.add("ran");
            return new double[] {0.25};
        }, results::add);
        assertArrayEquals(new double[] {0.25}, seconds);
        assertEquals(List.of("ran"), hooks);
        assertEquals(List.of(new TorchReference.Unavailable("no interpreter has torch")), results);
    }

    @Test
    void anInterleavedRunEndedEarlyFailsWithItsCount() throws Exception {
        String fake = interleavingInterpreter(dir.resolve("received.txt"), dir.resolve("arguments.txt"));
        try (TorchReference.Interleaved torch = reference(fake, Duration.ofMinutes(1)).interleaved(settings(3))) {
            torch.epoch();
            PythonRunner.Failure failure = assertThrows(PythonRunner.Failure.class, torch::finish);
            assertEquals("PyTorch ran 1 timed epochs, 3 were asked for", failure.getMessage());
        }
    }

    @Test
    void anInterleavedScriptThatDiesReportsTheEndOfItsErrorOutput() throws Exception {
        String dying = FakeInterpreter.write(dir, "dying", String.join("\n",
                "[ \"$2\" = 'import numpy, torch' ] && exit 0",
                "echo '{\"ready\": true}'",
                "read line",
                "echo 'RuntimeError: out of memory' >&2",
                "exit 1"));
        try (TorchReference.Interleaved torch = reference(dying, Duration.ofMinutes(1)).interleaved(settings(3))) {
            PythonRunner.Failure failure = assertThrows(PythonRunner.Failure.class, torch::epoch);
            assertEquals(dying + " ended its output: RuntimeError: out of memory", failure.getMessage());
        }
    }

    @Test
    void anInterleavedScriptThatIsNotReadyIsRefused() throws Exception {
        String chatty = FakeInterpreter.write(dir, "chatty", String.join("\n",
                "[ \"$2\" = 'import numpy, torch' ] && exit 0",
                "echo 'Using CPU'",
                "sleep 60"));
        long start = System.nanoTime();
        PythonRunner.Failure failure = assertThrows(PythonRunner.Failure.class,
                () -> reference(chatty, Duration.ofMinutes(1)).interleaved(settings(3)));
        assertTrue(failure.getMessage().startsWith("unexpected output from mnist_torch.py (not JSON): Using CPU"),
                failure.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "the interpreter is stopped");
    }

    @Test
    void anLstmIsChosenAndSizedByItsOwnArguments() {
        TorchReference.Settings settings = new TorchReference.Settings(Path.of("/data/mnist"), 3, 1, 128, 2, 42,
                new TorchReference.Lstm(64));
        assertEquals(List.of("--data", "/data/mnist", "--epochs", "3", "--warm-up", "1", "--batch-size", "128",
                "--threads", "2", "--seed", "42", "--network", "lstm", "--units", "64"), settings.arguments());
    }

    @Test
    void withoutAnInterpreterThatHasTorchTheResultIsUnavailable() {
        String missing = dir.resolve("missing-python3").toString();
        TorchReference.Result result = new TorchReference(new PythonRunner(List.of(missing), Duration.ofMinutes(1)))
                .run(settings(3));
        String reason = assertInstanceOf(TorchReference.Unavailable.class, result).reason();
        assertTrue(reason.startsWith("no Python interpreter can import numpy, torch (" + missing + ": cannot run"),
                reason);
    }

    @Test
    void aFailingScriptIsUnavailableWithTheEndOfItsErrorOutput() throws Exception {
        String failing = FakeInterpreter.write(dir, "failing", String.join("\n",
                "[ \"$2\" = 'import numpy, torch' ] && exit 0",
                "echo 'mnist_torch: cannot read /data/mnist/train-images-idx3-ubyte' >&2",
                "exit 1"));
        TorchReference.Result result = reference(failing, Duration.ofMinutes(1)).run(settings(3));
        assertEquals(new TorchReference.Unavailable(failing
                        + " exited with status 1: mnist_torch: cannot read /data/mnist/train-images-idx3-ubyte"),
                result);
    }

    @Test
    void fewerTimedEpochsThanAskedForAreUnavailable() throws Exception {
        String short_ = FakeInterpreter.write(dir, "short", "printf '%s\\n' '" + OUTPUT + "'");
        TorchReference.Result result = reference(short_, Duration.ofMinutes(1)).run(settings(5));
        assertEquals(new TorchReference.Unavailable(short_ + " reported 3 timed epochs, expected 5"), result);
    }

    @Test
    void aRunPastTheTimeoutIsStoppedAndUnavailable() throws Exception {
        String hanging = FakeInterpreter.write(dir, "hanging", "[ \"$2\" = 'import numpy, torch' ] && exit 0\nsleep 60");
        long start = System.nanoTime();
        TorchReference.Result result = reference(hanging, Duration.ofSeconds(1)).run(settings(3));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos());
        assertEquals(new TorchReference.Unavailable(hanging + " did not finish within 1 s and was stopped"), result);
    }

    /** The script is a resource next to the class; where a python3 exists, it must at least compile. */
    @Test
    void theScriptCompilesWherePythonIsPresent() throws Exception {
        String script = TorchReference.script();
        assertTrue(script.contains("def main():"));
        PythonRunner python = new PythonRunner(PythonRunner.INTERPRETERS, Duration.ofMinutes(1));
        String interpreter;
        try {
            interpreter = python.interpreterWith("sys");
        } catch (PythonRunner.Failure e) {
            Assumptions.abort("no Python here: " + e.getMessage());
            return;
        }
        python.run(interpreter, "import sys; compile(sys.argv[1], 'mnist_torch.py', 'exec')", List.of(script));
    }

    /** Where torch is importable, the script trains each network for an epoch on a few MNIST-shaped images. */
    @ParameterizedTest
    @MethodSource("networks")
    void eachNetworkTrainsOnTinyMnistWhereTorchIsPresent(TorchReference.Network network) {
        PythonRunner python = pythonWithTorchAndTinyMnist();
        TorchReference.Result result = new TorchReference(python).run(
                new TorchReference.Settings(dir, 1, 0, 16, 1, 5, network));
        TorchReference.Measured measured = assertInstanceOf(TorchReference.Measured.class, result, result.toString());
        assertEquals(1, measured.epochSeconds().size());
        assertTrue(measured.epochLosses().get(0) > 0 && measured.testAccuracy() >= 0 && measured.testAccuracy() <= 1,
                measured.toString());
    }

    /** Where torch is importable, the script's interleaved mode runs each epoch when asked and then its summary. */
    @Test
    void theMlpTrainsEpochByEpochOnTinyMnistWhereTorchIsPresent() throws Exception {
        PythonRunner python = pythonWithTorchAndTinyMnist();
        try (TorchReference.Interleaved torch = new TorchReference(python).interleaved(
                new TorchReference.Settings(dir, 2, 1, 16, 1, 5, new TorchReference.Mlp(8)))) {
            double first = torch.epoch();
            double second = torch.epoch();
            TorchReference.Measured measured = torch.finish();
            assertEquals(List.of(first, second), measured.epochSeconds());
            assertTrue(measured.testAccuracy() >= 0 && measured.testAccuracy() <= 1, measured.toString());
        }
    }

    static List<TorchReference.Network> networks() {
        return List.of(new TorchReference.Cnn(16, 0.5), new TorchReference.Lstm(8));
    }

    /** The interpreter that has torch (the test is aborted where none has), with tiny MNIST files in {@link #dir}. */
    private PythonRunner pythonWithTorchAndTinyMnist() {
        PythonRunner python = new PythonRunner(PythonRunner.INTERPRETERS, Duration.ofMinutes(2));
        try {
            python.interpreterWith("numpy", "torch");
        } catch (PythonRunner.Failure e) {
            Assumptions.abort("no Python with torch here: " + e.getMessage());
        }
        writeTinyMnist(dir, 48, 12);
        return python;
    }

    /** The four MNIST files with {@code train} and {@code test} 28x28 images of arbitrary pixels and labels. */
    private static void writeTinyMnist(Path dir, int train, int test) {
        writeSplit(dir, "train", train);
        writeSplit(dir, "t10k", test);
    }

    private static void writeSplit(Path dir, String prefix, int count) {
        double[] pixels = new double[count * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (31L * i) % 256;
        }
        double[] labels = new double[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 10;
        }
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count, 28, 28}, pixels),
                dir.resolve(prefix + "-images-idx3-ubyte"));
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count}, labels),
                dir.resolve(prefix + "-labels-idx1-ubyte"));
    }

    private static void assertUnreadable(String output, String expected) {
        PythonRunner.Failure failure = assertThrows(PythonRunner.Failure.class, () -> TorchReference.parse(output));
        assertTrue(failure.getMessage().startsWith("unexpected output from mnist_torch.py " + expected),
                failure.getMessage());
    }

    private static TorchReference reference(String interpreter, Duration timeout) {
        return new TorchReference(new PythonRunner(List.of(interpreter), timeout));
    }

    private static TorchReference.Settings settings(int epochs) {
        return new TorchReference.Settings(Path.of("/data/mnist"), epochs, 1, 128, 2, 42,
                new TorchReference.Cnn(0, 0.5));
    }

    private static int lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
