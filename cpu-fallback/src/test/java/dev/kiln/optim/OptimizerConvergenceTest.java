package dev.kiln.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.autograd.Autograd;
import dev.kiln.op.Ops;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each optimizer minimises a well-conditioned least-squares problem, mean((X w - y)^2), to its known solution;
 * the learning rate follows a cosine decay so that the adaptive optimizers settle instead of hovering.
 */
class OptimizerConvergenceTest extends OnCpuBackend {
    private static final int SAMPLES = 16;
    private static final int FEATURES = 3;
    private static final int STEPS = 2000;
    private static final double[] SOLUTION = {1.5, -2, 0.5};
    static Stream<Arguments> optimizers() {
        return Stream.<Supplier<Optimizer>>of(
                () -> new Sgd(0.1),
                () -> new Sgd(0.05, 0.9, false),
                () -> new Sgd(0.05, 0.9, true),
                () -> new Adam(0.05),
                () -> new AdamW(0.05, 0.9, 0.999, 1e-8, 0),
                () -> new RmsProp(0.01),
                () -> new Adagrad(0.5)).map(s -> Arguments.of(s.get().name(), s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void reachesTheLeastSquaresSolution(String name, Supplier<Optimizer> factory) {
        SplittableRandom random = new SplittableRandom(3);
        double[] x = new double[SAMPLES * FEATURES];
        double[] y = new double[SAMPLES];
        for (int s = 0; s < SAMPLES; s++) {
            for (int f = 0; f < FEATURES; f++) {
                x[s * FEATURES + f] = random.nextDouble(-1, 1);
                y[s] += x[s * FEATURES + f] * SOLUTION[f];
            }
        }
        try (Tensor inputs = Tensor.of(backend, Shape.of(SAMPLES, FEATURES), x);
             Tensor targets = Tensor.of(backend, Shape.of(SAMPLES, 1), y);
             Tensor w = Tensor.zeros(backend, inputs.dtype(), Shape.of(FEATURES, 1)).requiresGrad(true);
             Optimizer optimizer = factory.get()) {
            LearningRateSchedule schedule = new CosineDecay(STEPS);
            double initialRate = optimizer.learningRate();
            for (int i = 0; i < STEPS; i++) {
                optimizer.setLearningRate(schedule.rate(i, initialRate));
                try (MemoryScope ignored = MemoryScope.open()) {
                    Autograd.backward(Ops.mean(Ops.square(Ops.sub(Ops.matmul(inputs, w), targets))));
                    optimizer.step(List.of(w));
                }
            }
            assertArrayEquals(SOLUTION, w.toDoubleArray(), 1e-6, name);
        }
    }
}
