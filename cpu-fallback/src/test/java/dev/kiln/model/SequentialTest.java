package dev.kiln.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.layer.Activation;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Flatten;
import dev.kiln.layer.ForwardContext;
import dev.kiln.layer.ParameterFactory;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SequentialTest {
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private Sequential mlp(long seed) {
        Sequential model = Sequential.on(backend, new Flatten(), new Dense(8, ActivationFunction.RELU),
                new Dense(3), new Activation(ActivationFunction.SOFTMAX)).seed(seed);
        model.build(Shape.of(2, 2));
        return model;
    }

    @Test
    void unnamedLayersAreNumberedPerTypeAndNameTheirParameters() {
        try (Sequential model = mlp(0)) {
            List<String> names = model.parameters().stream().map(Tensor::name).toList();
            assertEquals(List.of("dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"), names);
            assertEquals(List.of("flatten_1", "dense_1", "dense_2", "activation_1"),
                    model.layers().stream().map(l -> l.name()).toList());
            assertEquals(Shape.of(8, 3), model.parameter("dense_2/kernel").shape());
            KilnException e = assertThrows(KilnException.class, () -> model.parameter("dense_3/kernel"));
            assertTrue(e.getMessage().contains("dense_1/bias"), e.getMessage());
        }
    }

    @Test
    void aGivenNameIsKeptAndDuplicatesAreRefused() {
        Sequential model = Sequential.on(backend, new Dense(2).named("dense_1"), new Dense(2));
        assertEquals("dense_2", model.layers().get(1).name());
        assertThrows(KilnException.class, () -> model.add(new Dense(1).named("dense_1")));
        model.close();
    }

    @Test
    void parameterCountsAddUpAndShapesAreInferred() {
        try (Sequential model = mlp(0)) {
            assertEquals((4 * 8 + 8) + (8 * 3 + 3), model.parameterCount());
            assertEquals(Shape.of(2, 2), model.inputShape());
            assertEquals(Shape.of(3), model.outputShape());
            assertEquals(Shape.of(4), model.layers().get(0).outputShape());
        }
    }

    @Test
    void summaryListsEveryLayerWithShapeAndParametersAndTheTotals() {
        try (Sequential model = mlp(0)) {
            model.layers().get(1).trainable(false);
            String summary = model.summary();
            List<String> lines = summary.lines().toList();
            assertTrue(lines.stream().anyMatch(l -> l.matches("flatten_1 \\(Flatten\\)\\s+\\[\\?, 4]\\s+0")), summary);
            assertTrue(lines.stream().anyMatch(l -> l.matches("dense_1 \\(Dense\\)\\s+\\[\\?, 8]\\s+40 \\(frozen\\)")), summary);
            assertTrue(lines.stream().anyMatch(l -> l.matches("dense_2 \\(Dense\\)\\s+\\[\\?, 3]\\s+27")), summary);
            assertTrue(lines.stream().anyMatch(l -> l.matches("activation_1 \\(Activation\\)\\s+\\[\\?, 3]\\s+0")), summary);
            assertTrue(summary.contains("Total params: 67"), summary);
            assertTrue(summary.contains("Trainable params: 27"), summary);
            assertTrue(summary.contains("Non-trainable params: 40"), summary);
        }
    }

    @Test
    void theSameSeedGivesTheSameWeightsAndAnotherSeedOthers() {
        try (Sequential a = mlp(5); Sequential b = mlp(5); Sequential c = mlp(6)) {
            for (int i = 0; i < a.parameters().size(); i += 2) {
                assertArrayEquals(a.parameters().get(i).toDoubleArray(), b.parameters().get(i).toDoubleArray());
                assertFalse(Arrays.equals(a.parameters().get(i).toDoubleArray(),
                        c.parameters().get(i).toDoubleArray()));
            }
            // Parameters of one model draw from different seeds, so equal shapes still differ.
            assertFalse(Arrays.equals(a.parameters().get(0).toDoubleArray(),
                    a.parameters().get(2).toDoubleArray()));
        }
    }

    @Test
    void forwardBuildsOnFirstCallInTheChosenDtype() {
        try (Sequential model = Sequential.on(backend, new Dense(2)).dtype(DType.F64);
             MemoryScope scope = MemoryScope.open()) {
            Tensor y = model.forward(Tensor.of(backend, DType.F64, Shape.of(4, 3), new double[12]), ForwardContext.inference());
            assertEquals(Shape.of(4, 2), y.shape());
            assertEquals(DType.F64, model.parameters().get(0).dtype());
            KilnException e = assertThrows(KilnException.class,
                    () -> model.forward(Tensor.of(backend, Shape.of(1, 3), new float[3]), ForwardContext.inference()));
            assertTrue(e.getMessage().contains("F32"), e.getMessage());
        }
    }

    @Test
    void configurationAfterBuildIsRefused() {
        try (Sequential model = mlp(0)) {
            assertThrows(KilnException.class, () -> model.add(new Dense(1)));
            assertThrows(KilnException.class, () -> model.seed(3));
            assertThrows(KilnException.class, () -> model.dtype(DType.F64));
        }
    }

    @Test
    void aShapeMismatchBetweenLayersNamesTheLayerAndShapes() {
        Dense second = new Dense(2).named("dense_2");
        second.build(Shape.of(5), new ParameterFactory(backend, DType.F32, 0));
        Sequential model = Sequential.on(backend, new Dense(4), second);
        KilnException e = assertThrows(KilnException.class, () -> model.build(Shape.of(3)));
        assertTrue(e.getMessage().contains("dense_2") && e.getMessage().contains("[?, 5]")
                && e.getMessage().contains("[?, 4]"), e.getMessage());
        model.close();
    }

    @Test
    void closeFreesEveryParameter() {
        long before = backend.liveBuffers();
        Sequential model = mlp(0);
        assertTrue(backend.liveBuffers() > before);
        model.close();
        assertEquals(before, backend.liveBuffers());
    }

    @Test
    void aModelWithoutBackendSelectsOneAndOwnsIt() {
        Sequential model = new Sequential(new Dense(1));
        model.build(Shape.of(2));
        assertEquals("cpu", model.backend().name());
        assertTrue(model.backend() != backend);
        model.close();
        assertThrows(KilnException.class, model::backend);
    }

    @Test
    void aModelWithoutBackendAdoptsTheBackendOfItsFirstInput() {
        long before = backend.liveBuffers();
        Sequential model = new Sequential(new Dense(2));
        try (MemoryScope scope = MemoryScope.open()) {
            assertEquals(Shape.of(1, 2), model.forward(Tensor.of(backend, Shape.of(1, 3), 1f, 2f, 3f), ForwardContext.inference()).shape());
        }
        assertSame(backend, model.backend());
        model.close();
        assertEquals(before, backend.liveBuffers());
        try (Tensor stillUsable = Tensor.full(backend, DType.F32, Shape.of(1), 3)) {
            assertEquals(3, stillUsable.item(), "the adopted backend stays open");
        }
    }
}
