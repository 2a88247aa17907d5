package dev.kiln.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link StatisticsOps#histogram}: the range from the extremes, the counts, its errors, and no leaked buffers. */
class StatisticsOpsTest extends OnCpuBackend {
    private long buffersBefore;
    private MemoryScope scope;

    @BeforeEach
    void openScope() {
        buffersBefore = backend.liveBuffers();
        scope = MemoryScope.open();
    }

    @AfterEach
    void closeScopeAndCountBuffers() {
        scope.close();
        assertEquals(buffersBefore, backend.liveBuffers(), "buffers leaked past the test's memory scope");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void theRangeRunsFromTheSmallestToTheLargestElement(DType dtype) {
        Tensor x = Tensor.of(backend, dtype, Shape.of(2, 3), 4, 0, 1, 2, 3, 4);
        Histogram h = StatisticsOps.histogram(x, 4);
        assertEquals(0, h.low());
        assertEquals(4, h.high());
        assertArrayEquals(new int[] {1, 1, 1, 3}, h.counts());
        assertEquals(1, h.edge(1));
        assertEquals(4, h.edge(4));
    }

    @Test
    void equalElementsFallInTheMiddleOfAUnitRange() {
        Tensor x = Tensor.of(backend, DType.F32, Shape.of(5), 3, 3, 3, 3, 3);
        Histogram h = StatisticsOps.histogram(x, 3);
        assertEquals(2.5, h.low());
        assertEquals(3.5, h.high());
        assertArrayEquals(new int[] {0, 5, 0}, h.counts());
    }

    @Test
    void aNonFiniteElementIsAClearError() {
        Tensor x = Tensor.of(backend, DType.F64, Shape.of(3), 1, Double.NaN, 2);
        KilnException e = assertThrows(KilnException.class, () -> StatisticsOps.histogram(x, 3));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
    }

    @Test
    void anEmptyTensorOrNoBinsIsAClearError() {
        Tensor empty = Tensor.of(backend, DType.F64, Shape.of(0));
        assertTrue(assertThrows(KilnException.class, () -> StatisticsOps.histogram(empty, 3)).getMessage()
                .contains("empty"));
        Tensor x = Tensor.of(backend, DType.F64, Shape.of(2), 1, 2);
        assertTrue(assertThrows(KilnException.class, () -> StatisticsOps.histogram(x, 0)).getMessage()
                .contains("bins >= 1"));
    }
}
