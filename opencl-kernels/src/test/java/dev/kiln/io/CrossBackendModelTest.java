package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.Backend;
import dev.kiln.opencl.CpuAndOpenCl;
import dev.kiln.autograd.Autograd;
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
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.op.Ops;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Saved models and checkpoints move between the CPU and the OpenCL backend. Without an OpenCL device the tests
 * are skipped, unless {@code KILN_REQUIRE_OPENCL=1}, which makes them fail.
 */
class CrossBackendModelTest {
    private static final double[][] X = {{0, 0, 1}, {0, 1, 0}, {1, 0, 0}, {1, 1, 1}, {0.5, 0.2, 0.9}, {3, 2, 1},
        {-1, 0.5, 2}, {2, -1, 0}};
    private static final double[][] Y = {{0}, {1}, {1}, {0}, {0.5}, {1}, {0.2}, {0.8}};
    @RegisterExtension
    static final CpuAndOpenCl BACKENDS = new CpuAndOpenCl();

    @TempDir
    Path dir;

    private static Sequential model(Backend backend) {
        Sequential model = Sequential.on(backend, new Dense(6, ActivationFunction.TANH), new Dense(1)).seed(4);
        model.compile(Losses.mse(), new Adam(0.02));
        return model;
    }

    private static FitOptions options(int epochs) {
        return FitOptions.builder().epochs(epochs).batchSize(3).seed(8).log(false).build();
    }

    @Test
    void aModelTrainedOnEitherBackendPredictsTheSameOnTheOther() {
        for (Backend from : List.of(BACKENDS.cpu(), BACKENDS.openCl())) {
            Backend to = from == BACKENDS.cpu() ? BACKENDS.openCl() : BACKENDS.cpu();
            Path saved = dir.resolve(from.name());
            double[][] expected;
            try (Sequential model = model(from)) {
                model.fit(X, Y, options(3));
                SavedModel.save(model, saved);
                expected = model.predict(X);
            }
            try (LoadedModel loaded = SavedModel.load(saved, to)) {
                double[][] predicted = loaded.predict(X);
                for (int i = 0; i < X.length; i++) {
                    assertArrayEquals(expected[i], predicted[i], 1e-5, from.name() + " to " + to.name() + ", row " + i);
                }
            }
        }
    }

    @Test
    void aResumedRunOnOpenClMatchesAnUninterruptedOneWithinTolerance() {
        Path root = dir.resolve("ckpt");
        try (Sequential straight = model(BACKENDS.openCl())) {
            History full = straight.fit(X, Y, options(4));
            try (Sequential first = model(BACKENDS.openCl())) {
                first.fit(X, Y, options(2).toBuilder().callbacks(CheckpointCallback.everyEpoch(root, 1)).build());
            }
            try (Sequential resumed = model(BACKENDS.openCl())) {
                History rest = resumed.fit(X, Y, Resume.from(root).options(options(4)));
                assertEquals(4, rest.last().epoch());
                assertEquals(full.last().loss(), rest.last().loss(), 1e-5);
                for (int i = 0; i < straight.parameters().size(); i++) {
                    Tensor a = straight.parameters().get(i);
                    assertArrayEquals(a.toDoubleArray(), resumed.parameters().get(i).toDoubleArray(), 1e-5, a.name());
                }
            }
        }
    }

    private static final double[] A = {0.5, -1, 2, 1, 0, -0.5, -2, 1.5, 0.25, 3, -1, 0.75};
    private static final double[] B = {1, 0.5, -0.5, -1, 2, 0.25, 0.5, -1.5, 1, 0, 1, -2};

    /**
     * Inputs a and b [3]; a shared Dense called on both; a frozen nested Sequential; a nested functional model
     * called twice; every merge layer; outputs [1] and [1].
     */
    private static Model twoInTwoOut(Backend backend) {
        SymbolicTensor a = Input.of("a", 3);
        SymbolicTensor b = Input.of("b", 3);
        Dense shared = new Dense(4, ActivationFunction.TANH).named("shared");
        SymbolicTensor sa = shared.call(a);
        SymbolicTensor sb = shared.call(b);
        Sequential encoder = new Sequential(new Dense(4, ActivationFunction.RELU), new Dense(2)).named("encoder")
                .trainable(false);
        SymbolicTensor first = new Dense(1).named("first").call(new Concatenate(-1).call(
                encoder.call(new Add().call(sa, sb)), new Subtract().call(sa, sb)));
        SymbolicTensor h = Input.of("h", 4);
        Model head = new Model(h, new Dense(1).call(h)).named("head");
        SymbolicTensor second = new Add().call(head.call(new Multiply().call(sa, sb)),
                head.call(new Average().call(sa, sb)));
        return Model.on(backend, List.of(a, b), List.of(first, second)).seed(7);
    }

    private static List<Tensor> inputs(Model model) {
        return List.of(Tensor.of(model.backend(), model.dtype(), Shape.of(4, 3), A),
                Tensor.of(model.backend(), model.dtype(), Shape.of(4, 3), B));
    }

    /** Steps of one's own on both outputs' mean squared error: y1 = sum(a) - b0, y2 = a0 * b1. */
    private static void train(Model model, int steps) {
        Adam adam = new Adam(0.05);
        model.compile(Losses.mse(), adam);
        Loss mse = Losses.mse();
        double[] y1 = new double[4];
        double[] y2 = new double[4];
        for (int r = 0; r < 4; r++) {
            y1[r] = A[3 * r] + A[3 * r + 1] + A[3 * r + 2] - B[3 * r];
            y2[r] = A[3 * r] * B[3 * r + 1];
        }
        for (int s = 0; s < steps; s++) {
            try (MemoryScope ignored = MemoryScope.open()) {
                List<Tensor> out = model.forwardAll(inputs(model), ForwardContext.training(model.seed(), s));
                Tensor loss = Ops.add(
                        mse.compute(out.get(0), Tensor.of(model.backend(), model.dtype(), Shape.of(4, 1), y1)),
                        mse.compute(out.get(1), Tensor.of(model.backend(), model.dtype(), Shape.of(4, 1), y2)));
                Autograd.gradients(loss, model.trainableParameters());
                adam.step(model.trainableParameters());
            }
        }
    }

    private static double[][] predict(Model model) {
        try (MemoryScope ignored = MemoryScope.open()) {
            return model.predict(inputs(model)).stream().map(Tensor::toDoubleArray).toArray(double[][]::new);
        }
    }

    @Test
    void aFunctionalModelTrainedOnEitherBackendPredictsTheSameOnTheOther() {
        for (Backend from : List.of(BACKENDS.cpu(), BACKENDS.openCl())) {
            Backend to = from == BACKENDS.cpu() ? BACKENDS.openCl() : BACKENDS.cpu();
            Path saved = dir.resolve("functional-" + from.name());
            double[][] expected;
            double[] frozen;
            try (Model model = twoInTwoOut(from)) {
                model.build(List.of(Shape.of(3), Shape.of(3)));
                frozen = model.parameter("encoder/dense_1/kernel").toDoubleArray();
                train(model, 10);
                assertArrayEquals(frozen, model.parameter("encoder/dense_1/kernel").toDoubleArray(), 0);
                expected = predict(model);
                SavedModel.save(model, saved);
            }
            try (LoadedModel loaded = SavedModel.load(saved, to)) {
                assertEquals("functional", loaded.description().modelType());
                assertArrayEquals(frozen, loaded.model().parameter("encoder/dense_1/kernel").toDoubleArray(), 0);
                double[][] predicted = predict(loaded.model());
                for (int o = 0; o < 2; o++) {
                    assertArrayEquals(expected[o], predicted[o], 1e-5, from.name() + " to " + to.name() + ", output " + o);
                }
            }
        }
    }
}
