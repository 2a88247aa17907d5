package dev.kiln.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemoryScopeTest {
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void closingAScopeFreesEverythingCreatedInIt() {
        long before = backend.liveBuffers();
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = Tensor.of(backend, DType.F32, Shape.of(3), 1f, 2f, 3f).requiresGrad(true);
            Autograd.backward(Ops.sum(Ops.mul(Ops.exp(x), x)));
            assertTrue(backend.liveBuffers() > before);
            assertTrue(scope.size() > 0);
        }
        assertEquals(before, backend.liveBuffers());
    }

    @Test
    void keptTensorsSurviveTheirScope() {
        long before = backend.liveBuffers();
        Tensor kept;
        try (MemoryScope ignored = MemoryScope.open()) {
            kept = Ops.exp(Tensor.of(backend, DType.F32, Shape.of(2), 1f, 2f)).keep();
        }
        assertEquals(before + 1, backend.liveBuffers());
        assertEquals(Math.E, kept.toDoubleArray()[0], 1e-6);
        kept.close();
        assertEquals(before, backend.liveBuffers());
    }

    @Test
    void promotedTensorsMoveToTheEnclosingScope() {
        long before = backend.liveBuffers();
        try (MemoryScope outer = MemoryScope.open()) {
            Tensor result;
            try (MemoryScope inner = MemoryScope.open()) {
                result = inner.promote(Tensor.zeros(backend, DType.F32, Shape.of(4)));
                Tensor.zeros(backend, DType.F32, Shape.of(4));
            }
            assertFalse(result.isClosed());
            assertEquals(1, outer.size());
        }
        assertEquals(before, backend.liveBuffers());
    }

    @Test
    void leafGradientsAreFreedWithTheirTensor() {
        long before = backend.liveBuffers();
        Tensor w = Tensor.of(backend, DType.F32, Shape.of(2), 1f, 2f).requiresGrad(true);
        try (MemoryScope ignored = MemoryScope.open()) {
            Autograd.backward(Ops.sum(Ops.square(w)));
        }
        assertEquals(before + 2, backend.liveBuffers());
        w.close();
        assertEquals(before, backend.liveBuffers());
    }

    @Test
    void usingAReleasedTensorIsAClearError() {
        Tensor x;
        try (MemoryScope ignored = MemoryScope.open()) {
            x = Tensor.zeros(backend, DType.F32, Shape.of(2)).named("activations");
        }
        KilnException e = assertThrows(KilnException.class, x::toFloatArray);
        assertTrue(e.getMessage().contains("activations") && e.getMessage().contains("released"), e.getMessage());
    }

    @Test
    void scopesMustCloseInnermostFirst() {
        MemoryScope outer = MemoryScope.open();
        MemoryScope inner = MemoryScope.open();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
    }
}
