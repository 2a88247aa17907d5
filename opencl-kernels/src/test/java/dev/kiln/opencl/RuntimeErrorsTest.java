package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.KernelBuildException;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.UnaryOp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Failures say what went wrong: bad device choices, oversized allocations, build errors, misused buffers. */
class RuntimeErrorsTest {
    private final OpenClBackend backend = OpenClTestSupport.backend();

    @Test
    void unknownDeviceChoiceNamesTheDevicesFound() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        KilnException byName = assertThrows(KilnException.class, () -> ClDevices.choose(devices, "no-such-device-xyz"));
        assertTrue(byName.getMessage().contains("no-such-device-xyz"), byName.getMessage());
        assertTrue(byName.getMessage().contains(devices.get(0).info().name()), byName.getMessage());
        KilnException byIndex = assertThrows(KilnException.class, () -> ClDevices.choose(devices, "99"));
        assertTrue(byIndex.getMessage().contains("[0, " + devices.size() + ")"), byIndex.getMessage());
    }

    @Test
    void allocationAboveTheDeviceLimitSaysHowMuchWasAskedAndAllowed() {
        long limit = backend.device().maxAllocationBytes();
        long elements = limit / 4 + 1;
        KilnException e = assertThrows(KilnException.class, () -> backend.allocate(DType.F32, elements));
        assertTrue(e.getMessage().contains(Long.toString(elements * 4) + " bytes asked"), e.getMessage());
        assertTrue(e.getMessage().contains("at most " + limit + " bytes"), e.getMessage());
    }

    @Test
    void i32BuffersAreRefusedByArithmeticAndFloatIndicesByTheIndexPrimitives() {
        Buffer ints = backend.allocate(DType.I32, 4);
        Buffer floats = backend.allocate(DType.F32, 4);
        try {
            KilnException gemm = assertThrows(KilnException.class,
                    () -> backend.gemm(false, false, 2, 2, 2, 1, floats, floats, 0, ints));
            assertTrue(gemm.getMessage().contains("gemm") && gemm.getMessage().contains("I32"), gemm.getMessage());
            KilnException operand = assertThrows(KilnException.class,
                    () -> backend.gemm(false, false, 2, 2, 2, 1, ints, floats, 0, floats));
            assertTrue(operand.getMessage().contains("gemm") && operand.getMessage().contains("I32"),
                    operand.getMessage());
            KilnException unary = assertThrows(KilnException.class, () -> backend.unary(UnaryOp.EXP, 0, 0, ints, ints));
            assertTrue(unary.getMessage().contains("unary EXP") && unary.getMessage().contains("I32"),
                    unary.getMessage());
            KilnException gather = assertThrows(KilnException.class,
                    () -> backend.gather(4, 1, 4, floats, floats, floats));
            assertTrue(gather.getMessage().contains("gather") && gather.getMessage().contains("must be I32"),
                    gather.getMessage());
            KilnException oneHot = assertThrows(KilnException.class, () -> backend.oneHot(4, 1, floats, floats));
            assertTrue(oneHot.getMessage().contains("oneHot") && oneHot.getMessage().contains("must be I32"),
                    oneHot.getMessage());
            int[] back = new int[4];
            backend.upload(new int[] {3, -1, 7, Integer.MIN_VALUE}, ints);
            backend.download(ints, back);
            assertEquals(List.of(3, -1, 7, Integer.MIN_VALUE), java.util.Arrays.stream(back).boxed().toList());
        } finally {
            backend.free(ints);
            backend.free(floats);
        }
    }

    @Test
    void buildFailureCarriesTheStatusNameAndTheBuildLog() {
        ProgramSource broken = new ProgramSource("broken.cl (test)", new java.util.TreeMap<>(Map.of()),
                "__kernel void broken(__global float* x) { x[0] = undeclared_name; }");
        KernelBuildException e = assertThrows(KernelBuildException.class, () -> backend.programs().program(broken));
        assertTrue(e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE"), e.getMessage());
        assertTrue(e.getMessage().contains("broken.cl (test)"), e.getMessage());
        assertTrue(e.getMessage().contains("undeclared_name"), "build log missing: " + e.getMessage());
    }

    @Test
    void launchFailureNamesTheKernelTheShapesAndTheStatus() {
        Buffer x = backend.allocate(DType.F32, 4);
        KernelLaunch launch = backend.launch(DType.F32, KernelFamily.ELEMENTWISE, "unary_exp", () -> "4 elements")
                .unsignedLong(4).real(0).real(0).buffer((ClBuffer) x).buffer((ClBuffer) x);
        KilnException e = assertThrows(KilnException.class,
                () -> launch.runGroups(backend.queue(), new long[] {6}, new long[] {4}));
        assertTrue(e.getMessage().contains("'unary_exp' (4 elements)"), e.getMessage());
        assertTrue(e.getMessage().contains("CL_INVALID_WORK_GROUP_SIZE"), e.getMessage());
        backend.free(x);
    }

    @Test
    void kernelSourcesAvoidRelaxedMathAndOpenWithAHeader() {
        for (KernelFamily family : KernelFamily.values()) {
            String source = family.source();
            assertTrue(source.startsWith("// "), family.resource() + " opens with a header comment");
            assertFalse(source.contains("native_"), family.resource() + " uses a native_ function");
            assertFalse(source.contains("fast-relaxed"), family.resource());
        }
        KilnException missing = assertThrows(KilnException.class, () -> KernelFamily.load("missing.cl"));
        assertTrue(missing.getMessage().contains("kernels/missing.cl"), missing.getMessage());
    }

    @Test
    void freedBuffersCannotBeUsedOrFreedAgain() {
        Buffer x = backend.allocate(DType.F32, 8);
        Buffer y = backend.allocate(DType.F32, 8);
        backend.free(x);
        assertTrue(x.isFreed());
        KilnException use = assertThrows(KilnException.class, () -> backend.unary(UnaryOp.EXP, 0, 0, x, y));
        assertTrue(use.getMessage().contains("already freed"), use.getMessage());
        assertThrows(KilnException.class, () -> backend.free(x));
        backend.free(y);
    }

    @Test
    void shapeAndTypeMismatchesAreRejected() {
        Buffer small = backend.allocate(DType.F32, 3);
        Buffer big = backend.allocate(DType.F32, 8);
        KilnException shorter = assertThrows(KilnException.class, () -> backend.unary(UnaryOp.EXP, 0, 0, big, small));
        assertTrue(shorter.getMessage().contains("out has 3 elements, expected 8"), shorter.getMessage());
        assertThrows(KilnException.class, () -> backend.gemm(false, false, 2, 2, 2, 1, small, small, 0, big));
        assertThrows(KilnException.class, () -> backend.upload(new float[4], small));
        assertThrows(KilnException.class, () -> backend.upload(new double[2], small));
        backend.free(small);
        backend.free(big);
    }

    @Test
    void freedBuffersAreReusedFromThePoolAndNotCountedLive() {
        long before = backend.liveBuffers();
        ClBuffer first = (ClBuffer) backend.allocate(DType.F32, 1000);
        assertEquals(before + 1, backend.liveBuffers());
        org.jocl.cl_mem memory = first.memory();
        backend.free(first);
        assertEquals(before, backend.liveBuffers());
        ClBuffer second = (ClBuffer) backend.allocate(DType.F32, 990);
        assertEquals(memory, second.memory(), "a block of the same size class is reused");
        assertEquals(990, second.length());
        backend.free(second);
    }

    @Test
    void sizeClassesWasteAtMostAQuarter() {
        assertEquals(256, BufferPool.sizeClass(1));
        for (long bytes : new long[] {257, 1000, 4096, 4097, 123_456_789}) {
            long size = BufferPool.sizeClass(bytes);
            assertTrue(size >= bytes && size <= bytes * 1.25 + 1, bytes + " -> " + size);
        }
        assertEquals(BufferPool.sizeClass(3960), BufferPool.sizeClass(4000));
    }
}
