package dev.kiln.model;

import static dev.kiln.testing.Fixtures.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.DType;
import dev.kiln.check.GradientCheck;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Add;
import dev.kiln.layer.Average;
import dev.kiln.layer.Concatenate;
import dev.kiln.layer.Dense;
import dev.kiln.layer.ForwardContext;
import dev.kiln.layer.Input;
import dev.kiln.layer.Multiply;
import dev.kiln.layer.Subtract;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.loss.Losses;
import dev.kiln.op.Ops;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.InScopeOnCpuBackend;
import dev.kiln.train.FitOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionalModelTest extends InScopeOnCpuBackend {
    private static final double[] A = {1, 2, -1, 0.5, 3, -2};
    private static final double[] B = {0.5, -1, 2, 1, -0.5, 1.5};

    private Tensor batch(double... values) {
        return Tensor.of(backend, DType.F64, Shape.of(values.length / 2, 2), values);
    }

    @Test
    void twoInputsTwoOutputsMatchAHandComputedGradient() {
        // d1 = a·k1, d2 = b·k2 (no bias); out1 = d1 + d2, out2 = d1 * d2; L = sum(out1) + sum(out2)
        double[] k1 = {0.5, -1};
        double[] k2 = {2, 0.25};
        SymbolicTensor a = Input.of("a", 2);
        SymbolicTensor b = Input.of("b", 2);
        SymbolicTensor d1 = new Dense(1).useBias(false).kernelInitializer(values(k1)).call(a);
        SymbolicTensor d2 = new Dense(1).useBias(false).kernelInitializer(values(k2)).call(b);
        try (Model model = Model.on(backend, List.of(a, b), List.of(new Add().call(d1, d2), new Multiply().call(d1, d2)))
                .dtype(DType.F64)) {
            List<Tensor> out = model.forwardAll(List.of(batch(A), batch(B)), ForwardContext.training(0, 0));
            Tensor loss = Ops.add(Ops.sum(out.get(0)), Ops.sum(out.get(1)));
            Autograd.gradients(loss, model.trainableParameters());

            double[] g1 = new double[2];
            double[] g2 = new double[2];
            double[] sum = new double[3];
            for (int r = 0; r < 3; r++) {
                double v1 = A[2 * r] * k1[0] + A[2 * r + 1] * k1[1];
                double v2 = B[2 * r] * k2[0] + B[2 * r + 1] * k2[1];
                sum[r] = v1 + v2;
                for (int j = 0; j < 2; j++) {
                    g1[j] += A[2 * r + j] * (1 + v2);
                    g2[j] += B[2 * r + j] * (1 + v1);
                }
            }
            assertArrayEquals(sum, out.get(0).toDoubleArray(), 1e-12);
            assertArrayEquals(g1, model.parameter("dense_1/kernel").grad().toDoubleArray(), 1e-12);
            assertArrayEquals(g2, model.parameter("dense_2/kernel").grad().toDoubleArray(), 1e-12);
        }
    }

    @Test
    void aSharedLayerHasOneSetOfWeightsAndTheSumOfBothGradients() {
        // y = shared(a) + shared(b) = (a + b)·K + 2 bias, so dL/dK = sum over rows of (a + b), dL/dbias = 2 * rows
        SymbolicTensor a = Input.of("a", 2);
        SymbolicTensor b = Input.of("b", 2);
        Dense shared = new Dense(1).kernelInitializer(values(0.3, -0.7)).biasInitializer(values(0.1));
        try (Model model = Model.on(backend, List.of(a, b), List.of(new Add().call(shared.call(a), shared.call(b))))
                .dtype(DType.F64)) {
            model.build(List.of(Shape.of(2), Shape.of(2)));
            assertEquals(2, model.parameters().size());
            assertEquals(3, model.parameterCount());
            Tensor loss = Ops.sum(model.forward(List.of(batch(A), batch(B)), ForwardContext.training(0, 0)));
            Autograd.gradients(loss, model.trainableParameters());
            double[] expected = {A[0] + A[2] + A[4] + B[0] + B[2] + B[4], A[1] + A[3] + A[5] + B[1] + B[3] + B[5]};
            assertArrayEquals(expected, shared.parameters().get(0).grad().toDoubleArray(), 1e-12);
            assertArrayEquals(new double[] {6}, shared.parameters().get(1).grad().toDoubleArray(), 1e-12);
            String summary = model.summary();
            assertTrue(summary.contains("Connected to"), summary);
            assertTrue(summary.contains("a (Input)") && summary.contains("b (Input)"), summary);
            assertTrue(summary.lines().anyMatch(l -> l.startsWith("dense_1 (Dense)") && l.endsWith("  a")), summary);
            assertTrue(summary.lines().anyMatch(l -> l.isBlank() == false && l.startsWith(" ") && l.endsWith("  b")),
                    summary);
            assertTrue(summary.lines().anyMatch(l -> l.startsWith("add_1 (Add)") && l.endsWith("dense_1, dense_1#1")),
                    summary);
        }
    }

    @Test
    void everyMergeLayerMatchesItsFormulaAndGradientCheck() {
        SymbolicTensor a = Input.of("a", 2);
        SymbolicTensor b = Input.of("b", 2);
        SymbolicTensor c = Input.of("c", 2);
        double[] x = {1, 2, 3, 4};
        double[] y = {0.5, -1, 2, -3};
        double[] z = {-2, 0.25, 1, 3};
        SymbolicTensor sub = new Subtract().call(a, b);
        SymbolicTensor mul = new Multiply().call(a, b, c);
        SymbolicTensor avg = new Average().call(a, b, c);
        try (Model model = Model.on(backend, List.of(a, b, c), List.of(sub, mul, avg)).dtype(DType.F64)) {
            List<Tensor> inputs = List.of(batch(x), batch(y), batch(z));
            List<Tensor> out = model.predict(inputs);
            double[] difference = new double[4];
            double[] product = new double[4];
            double[] mean = new double[4];
            for (int i = 0; i < 4; i++) {
                difference[i] = x[i] - y[i];
                product[i] = x[i] * y[i] * z[i];
                mean[i] = (x[i] + y[i] + z[i]) / 3;
            }
            assertArrayEquals(difference, out.get(0).toDoubleArray(), 1e-12);
            assertArrayEquals(product, out.get(1).toDoubleArray(), 1e-12);
            assertArrayEquals(mean, out.get(2).toDoubleArray(), 1e-12);
            inputs.forEach(t -> t.requiresGrad(true));
            GradientCheck.withDefaults().check(() -> {
                List<Tensor> o = model.forwardAll(inputs, ForwardContext.training(0, 0));
                return Ops.add(Ops.add(Ops.sum(o.get(0)), Ops.sum(o.get(1))), Ops.sum(o.get(2)));
            }, inputs).requirePassed();
        }
    }

    @Test
    void concatenateJoinsAlongTheGivenSampleAxis() {
        SymbolicTensor a = Input.of("a", 2);
        SymbolicTensor b = Input.of("b", 1);
        SymbolicTensor joined = new Concatenate().call(a, b);
        assertEquals(Shape.of(3), joined.shape());
        try (Model model = Model.on(backend, List.of(a, b), List.of(joined)).dtype(DType.F64)) {
            Tensor left = batch(1, 2, 3, 4);
            Tensor right = Tensor.of(backend, DType.F64, Shape.of(2, 1), 9, 8);
            assertArrayEquals(new double[] {1, 2, 9, 3, 4, 8}, model.predict(List.of(left, right)).get(0).toDoubleArray());
        }
        SymbolicTensor rows = Input.of("rows", 2, 3);
        assertEquals(Shape.of(4, 3), new Concatenate(0).call(rows, rows).shape());
        KilnException e = assertThrows(KilnException.class, () -> new Concatenate(0).call(rows, Input.of("c", 2, 4)));
        assertTrue(e.getMessage().contains("[?, 2, 3]") && e.getMessage().contains("[?, 2, 4]"), e.getMessage());
    }

    @Test
    void aNestedModelWithAFrozenPartTrainsOnlyTheRest() {
        Sequential inner = new Sequential(new Dense(3, ActivationFunction.TANH), new Dense(2)).named("features");
        SymbolicTensor x = Input.of("x", 2);
        Dense head = new Dense(1);
        try (Model model = Model.on(backend, List.of(x), List.of(head.call(inner.call(x)))).dtype(DType.F64).seed(3)) {
            model.build(Shape.of(2));
            assertSame(backend, inner.backend());
            assertEquals(DType.F64, inner.dtype());
            assertEquals(List.of("features/dense_1/kernel", "features/dense_1/bias", "features/dense_2/kernel",
                    "features/dense_2/bias", "dense_1/kernel", "dense_1/bias"), List.copyOf(model.namedParameters().keySet()));

            inner.trainable(false);
            assertEquals(3, model.trainableParameterCount());
            assertEquals(6 + 3 + 6 + 2 + 3, model.parameterCount());
            assertTrue(model.summary().contains("(frozen)"), model.summary());
            double[] frozenBefore = inner.parameters().get(0).toDoubleArray();
            double[] headBefore = head.parameters().get(0).toDoubleArray();
            model.compile(Losses.mse(), new Sgd(0.1));
            model.fit(new double[][] {{1, 2}, {-1, 0.5}, {0, 1}}, new double[][] {{1}, {-1}, {0.5}},
                    FitOptions.builder().epochs(3).batchSize(3).log(false).build());
            assertArrayEquals(frozenBefore, inner.parameters().get(0).toDoubleArray(), 0);
            assertFalse(java.util.Arrays.equals(headBefore, head.parameters().get(0).toDoubleArray()));
            assertNull(inner.parameters().get(0).grad());

            inner.trainable(true);
            assertEquals(model.parameterCount(), model.trainableParameterCount());
            model.fit(new double[][] {{1, 2}, {-1, 0.5}}, new double[][] {{1}, {-1}},
                    FitOptions.builder().epochs(1).batchSize(2).log(false).build());
            assertFalse(java.util.Arrays.equals(frozenBefore, inner.parameters().get(0).toDoubleArray()));
        }
    }

    @Test
    void modelsComposeIntoAThirdThatSharesTheirWeights() {
        SymbolicTensor noise = Input.of("noise", 3);
        Model generator = new Model(noise, new Dense(4, ActivationFunction.TANH).call(noise)).named("generator");
        Sequential discriminator = new Sequential(new Dense(1, ActivationFunction.SIGMOID)).named("discriminator");
        SymbolicTensor z = Input.of("z", 3);
        try (Model combined = Model.on(backend, List.of(z), List.of(discriminator.call(generator.call(z))))) {
            combined.build(Shape.of(3));
            assertEquals(List.of(generator, discriminator), combined.layers());
            assertEquals(generator.parameterCount() + discriminator.parameterCount(), combined.parameterCount());
            Tensor noiseBatch = Tensor.of(backend, Shape.of(2, 3), 0.1f, -0.2f, 0.3f, 1f, 0f, -1f);
            Tensor direct = discriminator.predict(generator.predict(noiseBatch));
            assertArrayEquals(direct.toFloatArray(), combined.predict(noiseBatch).toFloatArray(), 0);

            // the adversarial step: gradients of the combined loss reach the generator only
            discriminator.trainable(false);
            Tensor loss = Ops.sum(combined.forward(noiseBatch, ForwardContext.training(0, 1)));
            Autograd.gradients(loss, combined.trainableParameters());
            assertEquals(generator.parameters(), combined.trainableParameters());
            assertTrue(generator.parameters().get(0).grad() != null);
            assertNull(discriminator.parameters().get(0).grad());
        }
    }

    @Test
    void aSequentialIsTheChainOfItsLayersAsAGraph() {
        SymbolicTensor x = Input.of("x", 3);
        SymbolicTensor y = new Dense(2).call(new Dense(4, ActivationFunction.RELU).call(x));
        try (Model functional = Model.on(backend, List.of(x), List.of(y)).seed(5);
             Sequential sequential = Sequential.on(backend, new Dense(4, ActivationFunction.RELU), new Dense(2)).seed(5)) {
            Tensor input = Tensor.of(backend, Shape.of(1, 3), 1f, -2f, 0.5f);
            assertArrayEquals(sequential.predict(input).toFloatArray(), functional.predict(input).toFloatArray(), 0);
            assertEquals(List.copyOf(sequential.namedParameters().keySet()), List.copyOf(functional.namedParameters().keySet()));
            assertEquals(3, sequential.calls().size() + 1);
        }
    }

    @Test
    void mismatchedMergeShapesNameTheLayersAndShapes() {
        SymbolicTensor a = Input.of("a", 3);
        SymbolicTensor b = new Dense(4).named("wide").call(Input.of("b", 2));
        KilnException e = assertThrows(KilnException.class, () -> new Add().named("sum").call(a, b));
        assertTrue(e.getMessage().contains("'sum'") && e.getMessage().contains("[?, 3]")
                && e.getMessage().contains("[?, 4]") && e.getMessage().contains("'wide'")
                && e.getMessage().contains("'a'"), e.getMessage());
        KilnException one = assertThrows(KilnException.class, () -> new Subtract().call(a, a, a));
        assertTrue(one.getMessage().contains("exactly 2"), one.getMessage());
    }

    @Test
    void graphsThatCannotRunAreRefusedWhenTheModelIsMade() {
        SymbolicTensor a = Input.of("a", 2);
        SymbolicTensor b = Input.of("b", 2);
        SymbolicTensor sum = new Add().call(a, b);
        KilnException missing = assertThrows(KilnException.class, () -> new Model(a, sum));
        assertTrue(missing.getMessage().contains("'b'"), missing.getMessage());
        KilnException unused = assertThrows(KilnException.class,
                () -> new Model(List.of(a, b, Input.of("c", 2)), List.of(sum)));
        assertTrue(unused.getMessage().contains("'c' is not connected"), unused.getMessage());
        SymbolicTensor twice = new Dense(2).named("same").call(new Dense(2).named("same").call(a));
        KilnException names = assertThrows(KilnException.class, () -> new Model(a, twice));
        assertTrue(names.getMessage().contains("'same'"), names.getMessage());
    }

    @Test
    void randomStreamsDependOnSeedStepAndPlace() {
        ForwardContext step = ForwardContext.training(7, 3);
        long here = step.enter("dropout_1", 0).randomSeed();
        assertEquals(here, ForwardContext.training(7, 3).enter("dropout_1", 0).randomSeed());
        assertNotEquals(here, ForwardContext.training(7, 4).enter("dropout_1", 0).randomSeed());
        assertNotEquals(here, ForwardContext.training(8, 3).enter("dropout_1", 0).randomSeed());
        assertNotEquals(here, step.enter("dropout_2", 0).randomSeed());
        assertNotEquals(here, step.enter("dropout_1", 1).randomSeed());
        assertEquals("generator/dropout_1#1", step.enter("generator", 0).enter("dropout_1", 1).path());
    }

    @Test
    void backwardTakesAnUpstreamGradientOfAnyShape() {
        Tensor x = batch(1, 2, 3, 4).requiresGrad(true);
        Tensor y = Ops.mul(x, x);
        Autograd.backward(y, batch(1, 0, -1, 0.5));
        assertArrayEquals(new double[] {2, 0, -6, 4}, x.grad().toDoubleArray(), 1e-12);
        KilnException e = assertThrows(KilnException.class, () -> Autograd.backward(y, batch(1, 2)));
        assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
    }
}
