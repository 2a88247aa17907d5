package dev.kiln.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.op.Ops;
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
            Tensor b = Ops.add(a, a);
            Tensor c = Ops.add(b, b);
            Autograd.backward(c);
            assertEquals(4.0, a.grad().item());
        }
    }

    @Test
    void productWithItselfHasTwiceTheValueAsGradient() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor x = scalar(5);
            Autograd.backward(Ops.mul(x, x));
            assertEquals(10.0, x.grad().item());
        }
    }

    /**
     * Leaves take the gradients a sweep made instead of copies: never one buffer for two leaves (add hands the same
     * gradient to both inputs, reshape a view of it), nor a buffer the graph still holds.
     */
    @Test
    void leavesThatTakeTheirGradientsShareNoBuffer() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor a = Tensor.of(backend, DType.F64, Shape.of(2), 1, 2).requiresGrad(true);
            Tensor b = Tensor.of(backend, DType.F64, Shape.of(2), 3, 4).requiresGrad(true);
            Tensor w = Tensor.of(backend, DType.F64, Shape.of(2, 1), 5, 6).requiresGrad(true);
            Tensor c = Tensor.of(backend, DType.F64, Shape.of(2), 7, 8).requiresGrad(true);
            for (int sweep = 0; sweep < 2; sweep++) {
                Tensor sum = Ops.add(a, b);
                Tensor product = Ops.mul(Ops.add(sum, Ops.mul(c, c)), Ops.reshape(w, Shape.of(2)));
                Autograd.gradients(Ops.sum(Ops.add(product, sum)), java.util.List.of(a, b, w, c));
                assertArrayEquals(new double[] {6, 7}, a.grad().toDoubleArray());
                assertArrayEquals(new double[] {6, 7}, b.grad().toDoubleArray());
                assertArrayEquals(new double[] {53, 70}, w.grad().toDoubleArray());
                assertArrayEquals(new double[] {70, 96}, c.grad().toDoubleArray());
                Tensor[] grads = {a.grad(), b.grad(), w.grad(), c.grad()};
                for (int i = 0; i < grads.length; i++) {
                    for (int j = i + 1; j < grads.length; j++) {
                        assertTrue(grads[i].buffer() != grads[j].buffer(), "gradients " + i + " and " + j);
                    }
                    assertTrue(!grads[i].buffer().isFreed(), "gradient " + i);
                }
                dev.kiln.op.InPlaceOps.fill(a.grad(), -1);
                assertArrayEquals(new double[] {6, 7}, b.grad().toDoubleArray());
                assertArrayEquals(new double[] {1, 2}, a.toDoubleArray());
                assertArrayEquals(new double[] {5, 6}, w.toDoubleArray());
            }
        }
    }

    @Test
    void tenThousandOpChainDoesNotOverflowTheStack() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor x = scalar(1);
            Tensor y = x;
            for (int i = 0; i < 10_000; i++) {
                y = Ops.affine(y, 1.0001, 0);
            }
            Autograd.backward(y);
            assertEquals(Math.pow(1.0001, 10_000), x.grad().item(), 1e-9);
        }
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor x = scalar(2);
            Autograd.backward(Ops.square(x));
            Autograd.backward(Ops.square(x));
            assertEquals(8.0, x.grad().item());
            x.zeroGrad();
            assertEquals(0.0, x.grad().item());
            Autograd.backward(Ops.square(x));
            assertEquals(4.0, x.grad().item());
            x.zeroGrad();
            Autograd.backward(Ops.square(x));
            Autograd.backward(Ops.square(x));
            assertEquals(8.0, x.grad().item());
        }
    }

    @Test
    void onlyInputsThatRequireGradGetOne() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor w = Tensor.of(backend, DType.F64, Shape.of(2), 1, 2).requiresGrad(true);
            Tensor x = Tensor.of(backend, DType.F64, Shape.of(2), 3, 4);
            Autograd.backward(Ops.sum(Ops.mul(w, x)));
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
                y = Ops.square(x);
            }
            assertNull(y.node());
            assertTrue(GradMode.isEnabled());
            KilnException e = assertThrows(KilnException.class, () -> Autograd.backward(y));
            assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
        }
    }

    @Test
    void backwardNeedsAOneElementTensor() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor x = Tensor.of(backend, DType.F64, Shape.of(2), 1, 2).requiresGrad(true);
            KilnException e = assertThrows(KilnException.class, () -> Autograd.backward(Ops.square(x)));
            assertTrue(e.getMessage().contains("[2]"), e.getMessage());
        }
    }

    @Test
    void gradientsSeededWithAnUpstreamAreScaledByItAndLeaveItAsItWas() {
        try (MemoryScope ignored = MemoryScope.open()) {
            Tensor w = Tensor.of(backend, DType.F64, Shape.of(2), 3, -2).requiresGrad(true);
            Tensor x = Tensor.of(backend, DType.F64, Shape.of(2), 5, 7);
            Tensor upstream = Tensor.of(backend, DType.F64, Shape.of(), 2.5);
            Autograd.gradients(Ops.sum(Ops.mul(w, x)), java.util.List.of(w), upstream);
            assertArrayEquals(new double[] {12.5, 17.5}, w.grad().toDoubleArray());
            // the loss passes its gradient straight on: a rule that wrote into it would change the caller's tensor
            Autograd.gradients(Ops.sum(w), java.util.List.of(w), upstream);
            assertArrayEquals(new double[] {2.5, 2.5}, w.grad().toDoubleArray());
            assertEquals(2.5, upstream.item());

            Tensor wrongShape = Tensor.of(backend, DType.F64, Shape.of(1), 1);
            KilnException e = assertThrows(KilnException.class,
                    () -> Autograd.gradients(Ops.sum(w), java.util.List.of(w), wrongShape));
            assertEquals("gradients(upstream): the gradient must match the tensor, [] F64, got [1] F64",
                    e.getMessage());
        }
    }
}
