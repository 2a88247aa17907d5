package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import java.util.List;
import java.util.Optional;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.junit.jupiter.api.Test;

/** Work-group sizes are checked against the kernel's and the device's limits before a launch. */
class KernelLimitsTest {
    private static final KernelLimits LIMITS = new KernelLimits(256, List.of(1024L, 1024L, 64L), 8192, 49152,
            false);

    @Test
    void aGroupWithinEveryLimitPasses() {
        assertEquals(Optional.empty(), LIMITS.violation(new long[] {512}, new long[] {256}));
        assertEquals(Optional.empty(), LIMITS.violation(new long[] {33, 5, 3}, new long[] {32, 4, 2}));
    }

    @Test
    void eachLimitNamesTheSizeAskedAndTheLimit() {
        String perKernel = LIMITS.violation(new long[] {32, 16}, new long[] {32, 16}).orElseThrow();
        assertTrue(perKernel.contains("32 x 16 = 512 work-items exceeds the kernel's limit of 256"), perKernel);
        String perDimension = LIMITS.violation(new long[] {1, 1, 128}, new long[] {1, 1, 128}).orElseThrow();
        assertTrue(perDimension.contains("limit of 64 in dimension 2"), perDimension);
        String dimensions = LIMITS.violation(new long[] {1, 1, 1, 1}, new long[] {1, 1, 1, 1}).orElseThrow();
        assertTrue(dimensions.contains("in dimension 3"), dimensions);
        String local = new KernelLimits(256, List.of(1024L), 65536, 49152, false)
                .violation(new long[] {64}, new long[] {64}).orElseThrow();
        assertTrue(local.contains("65536 bytes of local memory, more than the 49152"), local);
    }

    @Test
    void aLaunchBeyondTheKernelsLimitFailsNamingTheKernel() {
        OpenClBackend backend = OpenClTestSupport.backend();
        cl_kernel kernel = backend.programs().kernel(backend.source(DType.F32, KernelFamily.ELEMENTWISE), "unary_exp");
        long limit = backend.programs().limits(kernel).workGroupSize();
        Buffer x = backend.allocate(DType.F32, 4);
        KernelLaunch launch = backend.launch(DType.F32, KernelFamily.ELEMENTWISE, "unary_exp", () -> "4 elements")
                .unsignedLong(4).real(0).real(0).buffer((ClBuffer) x).buffer((ClBuffer) x);
        KilnException e = assertThrows(KilnException.class,
                () -> launch.runGroups(backend.queue(), new long[] {limit, 2}, new long[] {limit, 2}));
        assertTrue(e.getMessage().contains("kernel 'unary_exp' (4 elements)"), e.getMessage());
        assertTrue(e.getMessage().contains("kernel's limit of " + limit + " (CL_KERNEL_WORK_GROUP_SIZE)"),
                e.getMessage());
        backend.free(x);
    }

    @Test
    void kernelsWrittenForOneGroupSizeDeclareIt() {
        OpenClBackend backend = OpenClTestSupport.backend();
        GemmTuning tuning = backend.gemmTuning(DType.F32);
        cl_kernel tiled = backend.programs().kernel(backend.source(DType.F32, KernelFamily.GEMM), "gemm_tiled");
        assertArrayEquals(new long[] {tuning.tile(), tuning.tile() / tuning.workPerItem(), 1}, compiledSize(tiled));
        for (String rows : List.of("reduce_sum_rows", "reduce_max_rows", "reduce_argmax_rows")) {
            cl_kernel kernel = backend.programs().kernel(backend.source(DType.F32, KernelFamily.REDUCE), rows);
            assertArrayEquals(new long[] {backend.rowGroup(DType.F32), 1, 1}, compiledSize(kernel), rows);
        }
    }

    private static long[] compiledSize(cl_kernel kernel) {
        long[] size = new long[3];
        List<ClDevice> devices = OpenClTestSupport.devices();
        CL.clGetKernelWorkGroupInfo(kernel, devices.get(ClDevices.defaultIndex(devices)).id(),
                CL.CL_KERNEL_COMPILE_WORK_GROUP_SIZE, 3L * Sizeof.size_t, Pointer.to(size), null);
        return size;
    }
}
