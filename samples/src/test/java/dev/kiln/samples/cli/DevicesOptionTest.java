package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.KilnException;
import dev.kiln.KilnSettings;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.Backends;
import dev.kiln.samples.commandline.DeviceList;
import dev.kiln.samples.commandline.ExitCodes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --devices} of {@code kiln train} and {@code kiln bench}: the list it reads, its usage errors, and a run on
 * the CPU and an OpenCL device.
 */
class DevicesOptionTest {

    @Test
    void theListNamesDevicesInOrder() {
        assertEquals(List.of("0", "1"), DeviceList.entries("all", 2));
        assertEquals(List.of("cpu"), DeviceList.entries("all", 0));
        assertEquals(List.of("cpu", "0"), DeviceList.entries("cpu, 0", 1));
        assertEquals(List.of("1", "0"), DeviceList.entries("1,0", 2));
    }

    @Test
    void aWrongListSaysWhatIsWrong() {
        assertTrue(assertThrows(KilnException.class, () -> DeviceList.entries("0,gpu", 2)).getMessage()
                .contains("'gpu' is neither 'cpu' nor an OpenCL device index"));
        assertTrue(assertThrows(KilnException.class, () -> DeviceList.entries("2", 2)).getMessage()
                .contains("there is no OpenCL device 2; this machine has 2 (indices 0 to 1)"));
        assertTrue(assertThrows(KilnException.class, () -> DeviceList.entries("0,0", 2)).getMessage()
                .contains("'0' is listed twice"));
    }

    @Test
    void aWrongListOrBothOptionsAreUsageErrors() {
        CommandRun wrong = CommandRun.of("train", "xor", "--devices", "cpu,x");
        assertEquals(ExitCodes.USAGE, wrong.exitCode(), wrong.err());
        assertTrue(wrong.firstErrorLine().contains("'x' is neither 'cpu' nor"), wrong.err());
        CommandRun both = CommandRun.of("train", "xor", "--devices", "cpu", "--backend", "cpu");
        assertEquals(ExitCodes.USAGE, both.exitCode(), both.err());
        assertTrue(both.firstErrorLine().contains("give --backend or --devices, not both"), both.err());
    }

    @Test
    void aBenchTakesBackendsOrDevices() {
        CommandRun both = CommandRun.of("bench", "mnist-mlp", "cpu", "--devices", "cpu");
        assertEquals(ExitCodes.USAGE, both.exitCode(), both.err());
        assertTrue(both.firstErrorLine().contains("give backends or --devices, not both"), both.err());
    }

    @Test
    void xorTrainsOnTheCpuBackendBesideAnOpenClDevice(@TempDir Path runs) throws IOException {
        boolean openCl = Backends.providers().stream().filter(p -> p.name().equals("opencl"))
                .map(BackendProvider::probe).anyMatch(BackendProvider.Probe::available);
        assumeTrue(openCl || KilnSettings.requireOpenCl(), "needs an OpenCL device");
        Path out = runs.resolve("xor");
        CommandRun run = CommandRun.of("train", "xor", "--devices", "cpu,0", "--epochs", "300", "--out",
                out.toString());
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        var summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("cpu", summary.get("backend").asText());
        assertEquals(1.0, summary.get("train_accuracy").asDouble());
    }
}
