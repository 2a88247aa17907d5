package dev.kiln.layer;

import static dev.kiln.testing.Fixtures.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.op.Ops;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DenseTest {
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private Tensor input(double... values) {
        return Tensor.of(backend, DType.F64, Shape.of(values.length / 3, 3), values);
    }

    @Test
    void forwardIsInputTimesKernelPlusBiasThenActivation() {
        // x · K = [[-4, 3], [-4, 2]] for K = [[1, -1], [2, 0.5], [-3, 1]]; plus bias [5, -2.5].
        double[] kernel = {1, -1, 2, 0.5, -3, 1};
        Dense linear = new Dense(2).kernelInitializer(values(kernel)).biasInitializer(values(5, -2.5));
        Dense relu = new Dense(2, ActivationFunction.RELU).kernelInitializer(values(kernel))
                .biasInitializer(values(5, -2.5));
        try (MemoryScope scope = MemoryScope.open()) {
            assertArrayEquals(new double[] {1, 0.5, 1, -0.5},
                    linear.forward(input(1, 2, 3, -1, 0, 1), ForwardContext.inference()).toDoubleArray(), 1e-12);
            assertArrayEquals(new double[] {1, 0.5, 1, 0},
                    relu.forward(input(1, 2, 3, -1, 0, 1), ForwardContext.inference()).toDoubleArray(), 1e-12);
        }
        linear.close();
        relu.close();
    }

    @Test
    void inputSizeIsInferredFromTheFirstInput() {
        Dense dense = new Dense(4);
        assertFalse(dense.isBuilt());
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor y = dense.forward(input(1, 2, 3, 4, 5, 6), ForwardContext.inference());
            assertEquals(Shape.of(2, 4), y.shape());
        }
        assertEquals(Shape.of(3), dense.inputShape());
        assertEquals(Shape.of(4), dense.outputShape());
        assertEquals(Shape.of(3, 4), dense.parameters().get(0).shape());
        assertEquals(3 * 4 + 4, dense.parameterCount());
        dense.close();
    }

    @Test
    void parametersAreNamedAfterTheLayer() {
        Dense dense = new Dense(2).named("hidden");
        dense.build(Shape.of(3), new ParameterFactory(backend, DType.F32, 1));
        assertEquals("hidden/kernel", dense.parameters().get(0).name());
        assertEquals("hidden/bias", dense.parameters().get(1).name());
        dense.close();
    }

    @Test
    void withoutBiasOnlyTheKernelExists() {
        Dense dense = new Dense(5).useBias(false);
        dense.build(Shape.of(3), new ParameterFactory(backend, DType.F32, 1));
        assertEquals(1, dense.parameters().size());
        assertEquals(15, dense.parameterCount());
        dense.close();
    }

    @Test
    void defaultInitialisationIsGlorotUniformAndZeroBias() {
        Dense dense = new Dense(50);
        dense.build(Shape.of(30), new ParameterFactory(backend, DType.F64, 7));
        double limit = Math.sqrt(6.0 / 80);
        double[] kernel = dense.parameters().get(0).toDoubleArray();
        double max = 0;
        for (double v : kernel) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= limit && max > 0.8 * limit, "kernel within the Glorot limit " + limit + ", max " + max);
        assertArrayEquals(new double[50], dense.parameters().get(1).toDoubleArray());
        dense.close();
    }

    @Test
    void aFrozenLayerGetsNoGradient() {
        Dense frozen = new Dense(2).trainable(false);
        Dense trained = new Dense(1);
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = input(1, 2, 3);
            ForwardContext context = ForwardContext.training(0, 0);
            Autograd.backward(Ops.sum(trained.forward(frozen.forward(x, context), context)));
        }
        assertFalse(frozen.trainable());
        for (Tensor p : frozen.parameters()) {
            assertFalse(p.requiresGrad());
            assertNull(p.grad());
        }
        for (Tensor p : trained.parameters()) {
            assertNotNull(p.grad());
        }
        frozen.close();
        trained.close();
    }

    @Test
    void aSecondInputOfAnotherWidthNamesTheLayerAndBothShapes() {
        Dense dense = new Dense(2).named("dense_7");
        try (MemoryScope scope = MemoryScope.open()) {
            dense.forward(input(1, 2, 3), ForwardContext.inference());
            Tensor wider = Tensor.of(backend, DType.F64, Shape.of(1, 4), 1, 2, 3, 4);
            KilnException e = assertThrows(KilnException.class, () -> dense.forward(wider, ForwardContext.inference()));
            assertTrue(e.getMessage().contains("dense_7"), e.getMessage());
            assertTrue(e.getMessage().contains("[?, 3]") && e.getMessage().contains("[?, 4]"), e.getMessage());
        }
        dense.close();
    }

    @Test
    void higherRankInputsAreTransformedAlongTheirLastAxis() {
        // each of the 2x2 rows of a [2, 2, 3] batch goes through the same kernel as a [4, 3] batch would
        double[] kernel = {1, -1, 2, 0.5, -3, 1};
        double[] x = {1, 2, 3, -1, 0, 1, 0.5, 0.25, -2, 3, -3, 1};
        try (MemoryScope scope = MemoryScope.open();
             Dense sequence = new Dense(2, ActivationFunction.TANH).kernelInitializer(values(kernel))
                     .biasInitializer(values(0.5, -0.5));
             Dense rows = new Dense(2, ActivationFunction.TANH).kernelInitializer(values(kernel))
                     .biasInitializer(values(0.5, -0.5))) {
            Tensor y = sequence.forward(Tensor.of(backend, DType.F64, Shape.of(2, 2, 3), x), ForwardContext.inference());
            assertEquals(Shape.of(2, 2, 2), y.shape());
            assertEquals(Shape.of(2, 2), sequence.outputShape());
            assertArrayEquals(rows.forward(input(x), ForwardContext.inference()).toDoubleArray(), y.toDoubleArray(), 0);
        }
    }

    @Test
    void aScalarSampleNamesTheShapeItNeeds() {
        Dense dense = new Dense(2);
        KilnException e = assertThrows(KilnException.class,
                () -> dense.build(Shape.of(), new ParameterFactory(backend, DType.F32, 0)));
        assertTrue(e.getMessage().contains("[?, ..., features]"), e.getMessage());
    }

    @Test
    void closingTheLayerFreesItsParameters() {
        long before = backend.liveBuffers();
        Dense dense = new Dense(3);
        dense.build(Shape.of(2), new ParameterFactory(backend, DType.F32, 0));
        assertEquals(before + 2, backend.liveBuffers());
        dense.close();
        assertEquals(before, backend.liveBuffers());
    }
}
