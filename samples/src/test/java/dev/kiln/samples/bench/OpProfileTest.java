package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpProfileTest {

    @Test
    void callsAreGroupedIntoFamiliesAndTheRestIsHostTime() {
        OpProfile profile = new OpProfile(1.0, Map.of(
                "gemm", new ProfilingBackend.OpTime(10, 400_000_000L),
                "unary RELU", new ProfilingBackend.OpTime(5, 50_000_000L),
                "binary ADD", new ProfilingBackend.OpTime(5, 50_000_000L),
                "update ADAM", new ProfilingBackend.OpTime(4, 100_000_000L),
                "upload", new ProfilingBackend.OpTime(2, 20_000_000L),
                "softmaxCrossEntropy", new ProfilingBackend.OpTime(1, 30_000_000L)));
        Map<String, Double> families = profile.secondsByFamily();
        assertEquals(0.4, families.get("gemm"), 1e-12);
        assertEquals(0.1, families.get("element-wise"), 1e-12);
        assertEquals(0.1, families.get("optimizer"), 1e-12);
        assertEquals(0.02, families.get("transfers"), 1e-12);
        assertEquals(0.03, families.get("softmax and loss"), 1e-12);
        assertEquals(0.35, families.get("host (outside the backend)"), 1e-12);
        assertTrue(profile.table().contains("| gemm | 0.400 | 40% |"), profile.table());
        assertTrue(profile.detail().startsWith("| call | calls | seconds | us per call |\n|---|---|---|---|\n"
                + "| gemm | 10 | 0.400 | 40000.0 |"), profile.detail());
    }

    /** Only allocation and release count as memory: a new primitive must join a family, not hide among them. */
    @Test
    void everyBackendCallThatComputesOrMovesDataHasItsOwnFamily() {
        Set<String> memoryOrUntimed = Set.of("allocate", "free", "name", "device", "supports", "liveBuffers",
                "memory", "transfers", "synchronize", "close", "lock", "isClosed");
        for (Method method : Backend.class.getMethods()) {
            if (!memoryOrUntimed.contains(method.getName())) {
                assertNotEquals("memory", OpProfile.family(method.getName()), method.getName());
            }
        }
        assertEquals("recurrent cells", OpProfile.family("lstmCellBackward"));
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, EpochTimer.median(new double[] {3, 1, 2}));
        assertEquals(2.5, EpochTimer.median(new double[] {4, 1, 2, 3}));
    }
}
