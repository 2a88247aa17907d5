package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import dev.kiln.check.parity.ParityCatalogue;
import dev.kiln.check.parity.ParityReport;
import dev.kiln.check.parity.ParityRunner;
import dev.kiln.check.parity.Side;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 1-D launches capped at one work-group of {@link #CAP} work-items, so that every kernel family's grid-stride loop
 * gives each work-item several indices (rows, parts or Philox blocks) on the quick catalogue's shapes, with the
 * kernels' 32-bit index arithmetic and with the 64-bit builds that buffers of 2^31 elements or more take.
 */
class GridStrideLoopTest {
    private static final int CAP = 8;
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
    void theQuickCatalogueHoldsWithEveryLaunchLooping() {
        OpenClBackend backend = OpenClTestSupport.backend();
        backend.capGlobalSize(CAP);
        try {
            check(backend, DType.F32);
            if (backend.supports(DType.F64)) {
                check(backend, DType.F64);
            }
        } finally {
            backend.capGlobalSize(0);
        }
    }

    @Test
    void theQuickCatalogueHoldsWithEveryLaunchLoopingOnAnEmulatedGpu() {
        gpu.capGlobalSize(CAP);
        check(gpu, DType.F32);
    }

    @Test
    void theQuickCatalogueHoldsWithSixtyFourBitIndicesAndEveryLaunchLooping() {
        OpenClBackend backend = OpenClTestSupport.backend();
        backend.capGlobalSize(CAP);
        backend.forceWideIndices(true);
        try {
            check(backend, DType.F32);
        } finally {
            backend.forceWideIndices(false);
            backend.capGlobalSize(0);
        }
    }

    @Test
    void theCapIsWholeWorkGroupsFarBelowTwoToTheThirtyOne() {
        for (int computeUnits : new int[] {1, 2, 132, 1 << 20}) {
            long cap = GlobalSizeCap.of(new DeviceInfo(0, "test", "test", "gpu", "1", computeUnits, 1L << 30,
                    1L << 28, false));
            assertEquals(0, cap % KernelLaunch.GROUP, "whole work-groups");
            assertTrue(cap <= GlobalSizeCap.MOST && cap >= KernelLaunch.GROUP, cap + " work-items");
        }
    }

    private static void check(OpenClBackend backend, DType dtype) {
        ParityReport report = new ParityRunner().run(new Side(OpenClTestSupport.reference(), DType.F64),
                new Side(backend, dtype), ParityCatalogue.quick());
        assertTrue(report.passed(), () -> dtype + " on " + backend.device().name() + ": " + report.verdict() + "\n"
                + report.failures());
    }
}
