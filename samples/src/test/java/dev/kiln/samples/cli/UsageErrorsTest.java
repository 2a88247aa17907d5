package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.samples.commandline.ExitCodes;
import org.junit.jupiter.api.Test;

class UsageErrorsTest {

    private static void assertUsageError(CommandRun run, String expectedInFirstLine) {
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.firstErrorLine().startsWith("kiln: "), run.err());
        assertTrue(run.firstErrorLine().contains(expectedInFirstLine), run.err());
        assertTrue(run.err().contains("Usage: kiln"), "usage follows the error line: " + run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace for a user error: " + run.err());
        assertEquals("", run.out());
    }

    @Test
    void noCommandIsAUsageError() {
        assertUsageError(CommandRun.of(), "a command is required");
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertUsageError(CommandRun.of("frobnicate"), "frobnicate");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertUsageError(CommandRun.of("devices", "--colour"), "--colour");
    }

    @Test
    void benchNeedsAKnownBenchmarkAndBackend() {
        assertUsageError(CommandRun.of("bench"), "a benchmark is required");
        assertUsageError(CommandRun.of("bench", "gemm", "tpu"), "unknown backend 'tpu'");
        assertUsageError(CommandRun.of("bench", "mnist-lstm", "tpu"), "unknown backend 'tpu'");
        assertUsageError(CommandRun.of("bench", "predict", "tpu"), "unknown backend 'tpu'");
        assertUsageError(CommandRun.of("bench", "predict", "--calls", "5"), "--calls must be at least 100");
        assertUsageError(CommandRun.of("bench", "mnist-cnn", "--batch-size", "0"), "--batch-size must be at least 1");
        assertUsageError(CommandRun.of("bench", "mnist-lstm", "--epochs", "0"), "--epochs must be at least 1");
    }

    @Test
    void helpAndVersionSucceed() {
        CommandRun help = CommandRun.of("--help");
        assertEquals(ExitCodes.SUCCESS, help.exitCode());
        assertTrue(help.out().contains("devices") && help.out().contains("train") && help.out().contains("bench"),
                help.out());

        CommandRun version = CommandRun.of("--version");
        assertEquals(ExitCodes.SUCCESS, version.exitCode());
        assertTrue(version.out().matches("(?s)kiln \\d+\\.\\d+\\.\\d+.*"), version.out());
    }
}
