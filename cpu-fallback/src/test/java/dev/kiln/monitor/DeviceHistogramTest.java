package dev.kiln.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeviceHistogramTest {
    private final Backend backend = Backends.select("cpu");

    @AfterEach
    void close() {
        assertEquals(0, backend.liveBuffers(), "every buffer is freed");
        backend.close();
    }

    @Test
    void countsEveryValueBetweenTheExtremesWithTheSums() {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = Tensor.of(backend, DType.F64, Shape.of(2, 3), 0, 1, 2, 3, 4, 4);
            Histogram h = new DeviceHistogram(4).of(x).orElseThrow();
            assertEquals(0, h.min());
            assertEquals(4, h.max());
            assertEquals(14, h.sum());
            assertEquals(46, h.sumSquares());
            assertArrayEquals(new double[] {1, 2, 3, 4}, h.bucketLimits());
            assertArrayEquals(new double[] {1, 1, 1, 3}, h.counts());
        }
    }

    @Test
    void aTensorHoldingNaNOrNothingHasNoHistogram() {
        try (MemoryScope scope = MemoryScope.open()) {
            assertTrue(new DeviceHistogram(3).of(Tensor.of(backend, DType.F32, Shape.of(3), 1, Double.NaN, 2))
                    .isEmpty());
            assertTrue(new DeviceHistogram(3).of(Tensor.zeros(backend, DType.F32, Shape.of(0))).isEmpty());
        }
    }
}
