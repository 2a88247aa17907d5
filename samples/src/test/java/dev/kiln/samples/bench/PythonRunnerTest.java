package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonRunnerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void runPassesCodeAndArgumentsAndReturnsStandardOutput() throws Exception {
        String echo = FakeInterpreter.write(dir, "echo", "printf '%s|' \"$@\"");
        PythonRunner runner = new PythonRunner(List.of(echo), TIMEOUT);
        assertEquals("-c|print(1)|--epochs|2|", runner.run(echo, "print(1)", List.of("--epochs", "2")));
    }

    @Test
    void openBlasCoreOverridesAreRemovedFromTheChildEnvironment() throws Exception {
        String env = FakeInterpreter.write(dir, "env",
                "echo \"${OPENBLAS_CORETYPE-unset} ${OPENBLAS_L2_SIZE-unset} ${PATH:+path kept}\"");
        assertEquals("unset unset path kept", new PythonRunner(List.of(env), TIMEOUT).run(env, "", List.of()).strip());
    }

    @Test
    void theFirstCandidateThatImportsTheModulesIsChosen() throws Exception {
        String missing = dir.resolve("missing").toString();
        String noTorch = withoutTorch();
        String withTorch = FakeInterpreter.write(dir, "with-torch", "[ \"$2\" = 'import numpy, torch' ]");
        PythonRunner runner = new PythonRunner(List.of(missing, noTorch, withTorch), TIMEOUT);
        assertEquals(withTorch, runner.interpreterWith("numpy", "torch"));
    }

    @Test
    void withoutASuitableCandidateTheReasonNamesEachFailure() throws Exception {
        String missing = dir.resolve("missing").toString();
        String noTorch = withoutTorch();
        PythonRunner runner = new PythonRunner(List.of(missing, noTorch), TIMEOUT);
        PythonRunner.Failure failure = assertThrows(PythonRunner.Failure.class, () -> runner.interpreterWith("torch"));
        String reason = failure.getMessage();
        assertTrue(reason.startsWith("no Python interpreter can import torch (" + missing + ": cannot run " + missing),
                reason);
        assertTrue(reason.endsWith("; " + noTorch + ": ModuleNotFoundError: No module named 'torch')"), reason);
    }

    @Test
    void aNonZeroExitCarriesTheLastTenLinesOfStandardError() throws Exception {
        String failing = FakeInterpreter.write(dir, "failing",
                "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo \"line $i\" >&2; done\necho ignored\nexit 3");
        PythonRunner runner = new PythonRunner(List.of(failing), TIMEOUT);
        PythonRunner.Failure failure = assertThrows(PythonRunner.Failure.class,
                () -> runner.run(failing, "", List.of()));
        String tail = IntStream.rangeClosed(3, 12).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"));
        assertEquals(failing + " exited with status 3: " + tail, failure.getMessage());
    }

    @Test
    void aRunPastItsTimeoutIsKilledWithTheProcessesItStarted() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        String hanging = FakeInterpreter.write(dir, "hanging", "sleep 120 &\necho $! > '" + pidFile + "'\nwait");
        PythonRunner runner = new PythonRunner(List.of(hanging), Duration.ofSeconds(2));
        long start = System.nanoTime();
        PythonRunner.Failure failure = assertThrows(PythonRunner.Failure.class,
                () -> runner.run(hanging, "", List.of()));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "returned only after the child ended");
        assertEquals(hanging + " did not finish within 2 s and was stopped", failure.getMessage());
        long child = Long.parseLong(Files.readString(pidFile).strip());
        assertFalse(aliveAfterGrace(child), "the interpreter's own child process still runs");
    }

    @Test
    void lastLinesSkipsBlankLines() {
        assertEquals("b\nc", PythonRunner.lastLines("a\n\nb\n  \nc\n\n", 2));
        assertEquals("", PythonRunner.lastLines("", 3));
    }

    private String withoutTorch() throws Exception {
        return FakeInterpreter.write(dir, "without-torch", String.join("\n",
                "echo 'Traceback (most recent call last):' >&2",
                "echo \"ModuleNotFoundError: No module named 'torch'\" >&2",
                "exit 1"));
    }

    /** A killed process may linger a moment before its parent collects it. */
    private static boolean aliveAfterGrace(long pid) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}
