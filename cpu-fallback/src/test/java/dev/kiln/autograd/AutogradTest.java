package dev.kiln.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import org.junit.jupiter.api.Test;

class AutogradTest extends OnCpuBackend {
    private static Tensor scalar(double value) {
        return Tensor.of(backend, DType.F64, Shape.of(1), value).requiresGrad(true);
    }

    @Test
    void diamondAccumulatesEveryPath() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor a = scalar(3);
            Tensor b = a.add(a);
            Tensor c = b.add(b);
            c.backward();
            assertEquals(4.0, a.grad().item());
        }
    }

    @Test
    void productWithItselfHasTwiceTheValueAsGradient() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor x = scalar(5);
            x.mul(x).backward();
            assertEquals(10.0, x.grad().item());
        }
    }

    @Test
    void tenThousandOpChainDoesNotOverflowTheStack() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor x = scalar(1);
            Tensor y = x;
            for (int i = 0; i < 10_000; i++) {
                y = y.mul(1.0001);
            }
            y.backward();
            assertEquals(Math.pow(1.0001, 10_000), x.grad().item(), 1e-9);
        }
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor x = scalar(2);
            x.square().backward();
            x.square().backward();
            assertEquals(8.0, x.grad().item());
            x.zeroGrad();
            assertEquals(0.0, x.grad().item());
            x.square().backward();
            assertEquals(4.0, x.grad().item());
            x.zeroGrad();
            x.square().backward();
            x.square().backward();
            assertEquals(8.0, x.grad().item());
        }
    }

    @Test
    void onlyInputsThatRequireGradGetOne() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor w = Tensor.of(backend, DType.F64, Shape.of(2), 1, 2).requiresGrad(true);
            Tensor x = Tensor.of(backend, DType.F64, Shape.of(2), 3, 4);
            w.mul(x).sum().backward();
            assertArrayEquals(new double[] {3, 4}, w.grad().toDoubleArray());
            assertNull(x.grad());
        }
    }

    @Test
    void disabledGradModeRecordsNothing() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor x = scalar(2);
            Tensor y;
            try (GradMode.Restore noGrad = GradMode.disabled()) {
                y = x.square();
            }
            assertNull(y.node());
            assertTrue(GradMode.isEnabled());
            KilnException e = assertThrows(KilnException.class, y::backward);
            assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
        }
    }

    @Test
    void backwardNeedsAOneElementTensor() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor x = Tensor.of(backend, DType.F64, Shape.of(2), 1, 2).requiresGrad(true);
            KilnException e = assertThrows(KilnException.class, () -> x.square().backward());
            assertTrue(e.getMessage().contains("[2]"), e.getMessage());
        }
    }
}
