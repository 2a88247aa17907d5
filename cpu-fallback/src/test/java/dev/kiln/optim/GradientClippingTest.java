package dev.kiln.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.backend.TransferStats;
import dev.kiln.op.Ops;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GradientClippingTest {
    private Backend backend;
    private MemoryScope scope;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
        scope = MemoryScope.open();
    }

    @AfterEach
    void close() {
        scope.close();
        backend.close();
    }

    private Tensor vector(DType dtype, double... values) {
        return Tensor.of(backend, dtype, Shape.of(values.length), values);
    }

    @Test
    void clipByValueBoundsEachElement() {
        Tensor g = vector(DType.F64, 3, -0.5, -7, 1);
        GradientClipping.byValue(1).apply(List.of(g));
        assertArrayEquals(new double[] {1, -0.5, -1, 1}, g.toDoubleArray());
    }

    @Test
    void clipByGlobalNormScalesAllGradientsTogether() {
        Tensor a = vector(DType.F64, 3, 0);
        Tensor b = vector(DType.F64, 0, -4);
        // global norm 5, so every gradient is scaled by 2 / 5
        GradientClipping.byGlobalNorm(2).apply(List.of(a, b));
        assertArrayEquals(new double[] {1.2, 0}, a.toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0, -1.6}, b.toDoubleArray(), 1e-15);
    }

    @Test
    void clipByGlobalNormLeavesSmallGradientsUnchanged() {
        Tensor a = vector(DType.F32, 0.3, -0.4);
        GradientClipping.byGlobalNorm(1).apply(List.of(a));
        assertArrayEquals(new float[] {0.3f, -0.4f}, a.toFloatArray());
    }

    @Test
    void clipByGlobalNormKeepsZeroGradientsZero() {
        Tensor a = vector(DType.F32, 0, 0, 0);
        GradientClipping.byGlobalNorm(1).apply(List.of(a));
        assertArrayEquals(new float[] {0, 0, 0}, a.toFloatArray());
    }

    @Test
    void clippingNeverTransfersToTheHost() {
        Tensor a = vector(DType.F32, 30, 40, -12);
        Tensor b = vector(DType.F32, 5);
        long buffers = backend.liveBuffers();
        TransferStats before = backend.transfers();
        GradientClipping.byGlobalNorm(1).apply(List.of(a, b));
        GradientClipping.byValue(0.5).apply(List.of(a, b));
        assertEquals(new TransferStats(0, 0, 0, 0), backend.transfers().since(before));
        assertEquals(buffers, backend.liveBuffers());
    }

    @Test
    void optimizerClipsBeforeUpdating() {
        try (Tensor p = vector(DType.F64, 1, 1).keep().requiresGrad(true);
             Optimizer sgd = new Sgd(1).withGradientClipping(GradientClipping.byGlobalNorm(1))) {
            Autograd.backward(Ops.sum(Ops.mul(p, vector(DType.F64, 6, 8))));
            sgd.step(List.of(p));
            assertArrayEquals(new double[] {1 - 0.6, 1 - 0.8}, p.toDoubleArray(), 1e-15);
        }
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(KilnException.class, () -> GradientClipping.byValue(0));
        assertThrows(KilnException.class, () -> GradientClipping.byGlobalNorm(-1));
        assertThrows(KilnException.class, () -> GradientClipping.byGlobalNorm(Double.NaN));
    }
}
