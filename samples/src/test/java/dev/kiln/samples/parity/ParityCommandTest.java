package dev.kiln.samples.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.KilnSettings;
import dev.kiln.backend.BackendProvider;
import dev.kiln.opencl.OpenClBackendProvider;
import dev.kiln.samples.cli.KilnCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kiln parity} end to end on the first OpenCL device, and its usage errors. */
class ParityCommandTest {

    /**
     * One in-process run with its output captured.
     *
     * @param exitCode the command's exit code
     * @param out standard output
     * @param err standard error
     */
    private record Run(int exitCode, String out, String err) {
        static Run of(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine commandLine = KilnCommand.commandLine();
            commandLine.setOut(new PrintWriter(out, true));
            commandLine.setErr(new PrintWriter(err, true));
            return new Run(commandLine.execute(args), out.toString(), err.toString());
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

    @Test
    void quickRunOnOneDevicePassesAndWritesTheJsonContract(@TempDir Path folder) throws Exception {
        requireOpenCl();
        Path json = folder.resolve("parity.json");
        Run run = Run.of("parity", "--quick", "--device", "0", "--dtype", "f32", "--json", json.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("device 0: PASS opencl F32"), run.out());
        JsonNode device = new ObjectMapper().readTree(json.toFile()).get("devices").get(0);
        assertEquals("F32", device.get("dtype").asText());
        assertEquals(0, device.get("failed").asInt());
        assertEquals(device.get("passed").asInt(), device.get("results").size());
        JsonNode first = device.get("results").get(0);
        for (String field : new String[] {"op", "shape", "max_abs", "max_rel", "tolerance", "pass"}) {
            assertTrue(first.has(field), field + " missing in " + first);
        }
        assertTrue(first.get("pass").asBoolean());
        for (JsonNode result : device.get("results")) {
            double relative = result.get("tolerance").get("relative").asDouble();
            if (relative > 0 && result.get("max_abs").asDouble() > 0) {
                assertTrue(result.get("max_rel").asDouble() > 0, "a difference shows as a relative error: " + result);
                assertTrue(result.get("max_rel").asDouble() <= relative, "a passing case is within its margin: "
                        + result);
            }
        }
        assertTrue(run.out().contains("tolerance"), "the table shows the tolerances: " + run.out());
    }

    @Test
    void aCpuDeviceIsCheckedAsItIsAndEmulatingAGpu(@TempDir Path folder) throws Exception {
        requireOpenCl();
        Path json = folder.resolve("parity.json");
        Run run = Run.of("parity", "--quick", "--device", "0", "--dtype", "f64", "--json", json.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        JsonNode devices = new ObjectMapper().readTree(json.toFile()).get("devices");
        assertEquals(1, devices.size(), "F64 runs natively only: an emulated GPU has no fp64");
        assertFalse(devices.get(0).get("emulated_gpu").asBoolean());
        assertTrue(run.out().contains("emulating a GPU") && run.out().contains("SKIP F64"), run.out());
    }

    @Test
    void onlyEmulatingAGpuRunsTheGpuKernels(@TempDir Path folder) throws Exception {
        requireOpenCl();
        Path json = folder.resolve("parity.json");
        Run run = Run.of("parity", "--quick", "--device", "0", "--dtype", "f32", "--gpu-emulation", "only",
                "--json", json.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("device 0: PASS opencl F32 on ") && run.out().contains("(emulating a GPU)"),
                run.out());
        JsonNode devices = new ObjectMapper().readTree(json.toFile()).get("devices");
        assertEquals(1, devices.size());
        assertTrue(devices.get(0).get("emulated_gpu").asBoolean());
    }

    @Test
    void anUnknownEmulationIsAUsageError() {
        Run run = Run.of("parity", "--gpu-emulation", "tpu");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--gpu-emulation must be auto, off or only, got 'tpu'"), run.err());
    }

    @Test
    void anUnknownDtypeIsAUsageError() {
        Run run = Run.of("parity", "--dtype", "f16");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--dtype must be f32, f64 or all, got 'f16'"), run.err());
    }

    @Test
    void anUnknownDeviceIsAUsageErrorNamingTheDevices() {
        requireOpenCl();
        Run run = Run.of("parity", "--quick", "--device", "no-such-device");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("no OpenCL device matches --device 'no-such-device'"), run.err());
        assertFalse(run.out().contains("PASS"), run.out());
    }
}
