package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.check.parity.ParityCatalogue;
import dev.kiln.check.parity.ParityReport;
import dev.kiln.check.parity.ParityRunner;
import dev.kiln.check.parity.Side;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenCL device as an emulated GPU: GPU kernels and tunings, no fp64, and a GPU's limits enforced. */
class GpuEmulationTest {
    private static final long MIB = 1L << 20;
    private static OpenClBackend gpu;

    @BeforeAll
    static void openEmulatedGpu() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        gpu = new OpenClBackend(GpuEmulation.of(devices.get(ClDevices.defaultIndex(devices))), null);
    }

    @AfterAll
    static void close() {
        if (gpu != null) {
            gpu.close();
        }
    }

    @Test
    void theSettingTurnsEmulationOnAndAnUnknownModeIsAnError() {
        String previous = System.getProperty("kiln.opencl.emulate");
        try {
            System.setProperty("kiln.opencl.emulate", "gpu");
            try (OpenClBackend emulated = OpenClBackend.onDevice(null)) {
                assertEquals("gpu", emulated.device().type());
            }
            System.setProperty("kiln.opencl.emulate", "fpga");
            KilnException unknown = assertThrows(KilnException.class, () -> OpenClBackend.onDevice(null));
            assertTrue(unknown.getMessage().contains("'fpga'"), unknown.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty("kiln.opencl.emulate");
            } else {
                System.setProperty("kiln.opencl.emulate", previous);
            }
        }
        assertFalse(GpuEmulation.requested());
    }

    @Test
    void theDeviceIsAGpuWithoutFp64UsingTheGpuKernels() {
        assertEquals("gpu", gpu.device().type());
        assertFalse(gpu.supports(DType.F64));
        assertFalse(gpu.gemmTuning(DType.F32).registerBlocked(), "gemm_tiled, the GPU kernel");
        assertEquals(4, gpu.lanes(DType.F32));
        assertTrue(gpu.device().maxAllocationBytes() <= gpu.device().globalMemoryBytes() / 4);
    }

    @Test
    void aBufferAboveAQuarterOfTheDeviceMemoryIsRefused() {
        long quarter = gpu.device().globalMemoryBytes() / 4;
        KilnException e = assertThrows(KilnException.class, () -> gpu.allocate(DType.F32, quarter / Float.BYTES + 1));
        assertTrue(e.getMessage().contains("allows at most " + gpu.device().maxAllocationBytes()), e.getMessage());
    }

    @Test
    void launchesBeyondAGpusLimitsAreRefused() {
        Buffer x = gpu.allocate(DType.F32, 1024);
        KilnException tooLarge = assertThrows(KilnException.class, () -> expLaunch(x)
                .runGroups(gpu.queue(), new long[] {32, 16}, new long[] {32, 16}));
        assertTrue(tooLarge.getMessage().contains("32 x 16 = 512 work-items exceeds the kernel's limit of 256"),
                tooLarge.getMessage());
        KilnException tooWide = assertThrows(KilnException.class, () -> expLaunch(x)
                .runGroups(gpu.queue(), new long[] {512}, new long[] {512}));
        assertTrue(tooWide.getMessage().contains("limit of 256 in dimension 0"), tooWide.getMessage());
        KilnException ragged = assertThrows(KilnException.class, () -> expLaunch(x)
                .runGroups(gpu.queue(), new long[] {100}, new long[] {64}));
        assertTrue(ragged.getMessage().contains("global size 100 in dimension 0 is not a whole number of work-groups"),
                ragged.getMessage());
        KilnException huge = assertThrows(KilnException.class, () -> expLaunch(x)
                .runGroups(gpu.queue(), new long[] {1L << 31}, new long[] {64}));
        assertTrue(huge.getMessage().contains("reaches 2^31"), huge.getMessage());
        gpu.free(x);
    }

    @Test
    void localMemoryAboveFortyEightKibIsRefused() {
        KernelLimits limits = GpuEmulation.of(new KernelLimits(4096, List.of(4096L), 64 * 1024, 4 * MIB, false));
        String violation = limits.violation(new long[] {64}, new long[] {64}).orElseThrow();
        assertTrue(violation.contains("65536 bytes of local memory, more than the 49152"), violation);
    }

    @Test
    void theQuickParityCatalogueAndATrainingRunHoldInFloat() {
        ParityReport report = new ParityRunner().run(new Side(OpenClTestSupport.reference(), DType.F64),
                new Side(gpu, DType.F32), ParityCatalogue.quick());
        assertTrue(report.passed(), () -> report.verdict() + "\n" + report.failures());
        assertTrue(report.results().stream().anyMatch(result -> result.op().equals("training.mlp_adam")),
                "the catalogue holds a training run (an MLP with Adam)");
    }

    private static KernelLaunch expLaunch(Buffer x) {
        return gpu.launch(DType.F32, KernelFamily.ELEMENTWISE, "unary_exp", () -> "1024 elements")
                .unsignedLong(1024).real(0).real(0).buffer((ClBuffer) x).buffer((ClBuffer) x);
    }
}
