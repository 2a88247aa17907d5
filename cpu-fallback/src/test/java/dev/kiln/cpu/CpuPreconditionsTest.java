package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.check.PreconditionCatalogue;
import dev.kiln.check.PreconditionCatalogue.Case;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The CPU backend rejects every call of the precondition catalogue with its message and accepts the edge cases. */
class CpuPreconditionsTest {
    private final CpuBackend backend = new CpuBackend();

    @AfterEach
    void close() {
        backend.close();
    }

    @TestFactory
    Stream<DynamicTest> rejectsEveryBadCallWithTheCataloguedMessage() {
        return PreconditionCatalogue.rejected().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            long live = backend.liveBuffers();
            assertEquals(c.message(), c.run(backend));
            assertEquals(live, backend.liveBuffers(), "buffers leaked");
        }));
    }

    @TestFactory
    Stream<DynamicTest> acceptsTheCallsAtTheEdgeOfThePreconditions() {
        return PreconditionCatalogue.accepted().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            long live = backend.liveBuffers();
            assertNull(c.run(backend));
            assertEquals(live, backend.liveBuffers(), "buffers leaked");
        }));
    }

    @Test
    void everyPrimitiveTakingABufferHasABadCall() {
        Set<String> primitives = Arrays.stream(Backend.class.getMethods())
                .filter(m -> Arrays.asList(m.getParameterTypes()).contains(Buffer.class)
                        || Arrays.asList(m.getParameterTypes()).contains(Buffer[].class))
                .map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> covered = PreconditionCatalogue.rejected().stream().map(Case::primitive).collect(Collectors.toSet());
        primitives.removeAll(covered);
        assertTrue(primitives.isEmpty(), "primitives without a bad call in the catalogue: " + primitives);
    }
}
