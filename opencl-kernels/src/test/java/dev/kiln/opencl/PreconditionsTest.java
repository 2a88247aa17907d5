package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.UnaryOp;
import dev.kiln.backend.DType;
import dev.kiln.check.PreconditionCatalogue;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The OpenCL backend rejects the catalogue's bad calls exactly as the CPU backend does, and accepts the same edge cases. */
class PreconditionsTest {
    private final OpenClBackend backend = OpenClTestSupport.backend();
    private final Backend reference = OpenClTestSupport.reference();

    @TestFactory
    Stream<DynamicTest> rejectsEveryBadCallWithTheCpuBackendsMessage() {
        return PreconditionCatalogue.rejected().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            assumeTrue(!c.needsF64() || backend.supports(DType.F64), "the device has no F64");
            long live = backend.liveBuffers();
            String cpu = c.run(reference);
            String openCl = c.run(backend);
            assertEquals(c.message(), cpu, "CPU");
            assertEquals(cpu, openCl, "OpenCL");
            assertEquals(live, backend.liveBuffers(), "buffers leaked");
        }));
    }

    @TestFactory
    Stream<DynamicTest> acceptsTheSameCallsAtTheEdgeOfThePreconditions() {
        return PreconditionCatalogue.accepted().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            assertNull(c.run(reference), "CPU");
            assertNull(c.run(backend), "OpenCL");
        }));
    }

    @Test
    void lengthsAreTheBuffersLogicalLengthNotThePooledCapacity() {
        backend.free(backend.allocate(DType.F32, 1000));
        ClBuffer pooled = (ClBuffer) backend.allocate(DType.F32, 990);
        ClBuffer x = (ClBuffer) backend.allocate(DType.F32, 1000);
        try {
            assertEquals(990, pooled.length());
            assertTrue(pooled.capacityBytes() > pooled.bytes(), "the pool hands out a larger block");
            KilnException e = assertThrows(KilnException.class, () -> backend.unary(UnaryOp.EXP, 0, 0, x, pooled));
            assertEquals("unary EXP: out has 990 elements, expected 1000", e.getMessage());
        } finally {
            backend.free(pooled);
            backend.free(x);
        }
    }
}
