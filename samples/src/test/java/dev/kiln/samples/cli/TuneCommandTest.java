package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.KilnSettings;
import dev.kiln.backend.BackendProvider;
import dev.kiln.opencl.OpenClBackendProvider;
import dev.kiln.samples.commandline.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln tune} end to end on the OpenCL device, with its store in a temporary kernel cache. */
class TuneCommandTest {

    @Test
    void aQuickTuneReportsEveryCandidateAndStoresOnlyAWinnerInTheCache(@TempDir Path cache) throws IOException {
        requireOpenCl();
        String previous = System.getProperty("kiln.opencl.cache");
        System.setProperty("kiln.opencl.cache", cache.toString());
        try {
            CommandRun run = CommandRun.of("tune", "--quick", "--device", "0");
            assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.out() + run.err());
            assertTrue(run.out().contains("Tuning gemm on "), run.out());
            Matcher timed = Pattern.compile("(\\d+) candidates timed, (\\d+) skipped").matcher(run.out());
            assertTrue(timed.find(), run.out());
            assertTrue(Integer.parseInt(timed.group(1)) >= 2, run.out());
            List<Path> stored = storedTunings(cache);
            if (run.out().contains("The built-in tuning stays")) {
                assertTrue(stored.isEmpty(), stored.toString());
            } else {
                assertEquals(1, stored.size(), run.out());
                assertTrue(run.out().contains("stored in " + stored.get(0)), run.out());
                assertTrue(Files.readString(stored.get(0)).contains("registerBlocked="));
            }
        } finally {
            if (previous == null) {
                System.clearProperty("kiln.opencl.cache");
            } else {
                System.setProperty("kiln.opencl.cache", previous);
            }
        }
    }

    @Test
    void anUnknownDtypeIsAUsageError() {
        CommandRun run = CommandRun.of("tune", "--dtype", "f16");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("--dtype must be f32 or f64, got 'f16'"), run.err());
    }

    private static List<Path> storedTunings(Path cache) throws IOException {
        Path folder = cache.resolve("tuning");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".properties")).toList();
        }
    }

    private static void requireOpenCl() {
        BackendProvider.Probe probe = new OpenClBackendProvider().probe();
        if (!probe.available()) {
            if (KilnSettings.requireOpenCl()) {
                fail("OpenCL is required (kiln.require.opencl) but unavailable: " + probe.reason());
            }
            assumeTrue(false, "no OpenCL device: " + probe.reason());
        }
    }
}
