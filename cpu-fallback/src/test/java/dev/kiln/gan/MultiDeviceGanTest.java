package dev.kiln.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.data.ArrayDataset;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Input;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.model.Model;
import dev.kiln.optim.Adam;
import dev.kiln.optim.Optimizer;
import dev.kiln.optim.RmsProp;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A GAN's fit on several CPU backends, each a device of its own, against the same fit on one. */
class MultiDeviceGanTest {
    private static final double TOLERANCE = 1e-9;
    private final List<Backend> backends = new ArrayList<>();
    private final List<Optimizer> owned = new ArrayList<>();

    @AfterEach
    void close() {
        owned.forEach(Optimizer::close);
        backends.forEach(Backend::close);
    }

    @Test
    void twoDevicesTrainAStandardGanAsOne() {
        compare(2, gan -> gan.generatorOptimizer(new Adam(0.01)).discriminatorOptimizer(new Adam(0.01)));
    }

    @Test
    void threeDevicesTrainAClippedCriticWithSeveralCriticStepsAndAShortLastBatchAsOne() {
        compare(3, gan -> gan.generatorOptimizer(new RmsProp(0.005)).discriminatorOptimizer(new RmsProp(0.005))
                .loss(GanLoss.wasserstein()));
    }

    @Test
    void aDeviceListedTwiceIsRefused() {
        backends.add(Backends.select("cpu"));
        Backend only = backends.get(0);
        KilnException e = assertThrows(KilnException.class,
                () -> GanFitOptions.of(1, 8).withDevices(List.of(only, only)));
        assertTrue(e.getMessage().contains("is listed twice"), e.getMessage());
    }

    private void compare(int devices, Function<GanTrainer.Builder, GanTrainer.Builder> settings) {
        for (int k = 0; k < devices; k++) {
            backends.add(Backends.select("cpu"));
        }
        Backend first = backends.get(0);
        ArrayDataset data = gaussian(70);
        GanFitOptions options = GanFitOptions.of(3, 16);
        try (Model g1 = generator(first); Model d1 = discriminator(first); Model g2 = generator(first);
             Model d2 = discriminator(first)) {
            GanTrainer alone = settings.apply(GanTrainer.builder(g1, d1).seed(5)).build();
            GanTrainer together = settings.apply(GanTrainer.builder(g2, d2).seed(5)).build();
            List.of(alone, together).forEach(t -> {
                owned.add(t.generatorOptimizer());
                owned.add(t.discriminatorOptimizer());
            });
            List<GanEpoch> expected = alone.fit(data, options);
            List<GanEpoch> actual = together.fit(data, options.withDevices(backends));
            for (int e = 0; e < expected.size(); e++) {
                Map<String, Double> got = actual.get(e).values();
                String epoch = "epoch " + (e + 1) + " ";
                expected.get(e).values().forEach((key, value) -> {
                    if (!key.equals("seconds")) {
                        assertClose(epoch + key, value, got.get(key));
                    }
                });
            }
            assertEquals(alone.steps(), together.steps());
            for (Backend other : backends.subList(1, devices)) {
                // every further device computed slices: its batches, noise and weights went up, gradients came down
                assertTrue(other.transfers().downloads() > 3 * alone.steps(), () -> "device " + other.transfers());
            }
            assertSameWeights(g1, g2);
            assertSameWeights(d1, d2);
        }
    }

    private static void assertSameWeights(Model want, Model got) {
        Map<String, Tensor> actual = got.namedWeights();
        want.namedWeights().forEach((name, w) -> {
            double[] expected = w.toDoubleArray();
            double[] values = actual.get(name).toDoubleArray();
            for (int i = 0; i < expected.length; i++) {
                assertClose(name + "[" + i + "]", expected[i], values[i]);
            }
        });
    }

    private static void assertClose(String what, double want, Double got) {
        assertTrue(got != null && Math.abs(want - got) <= TOLERANCE * Math.max(1, Math.abs(want)),
                () -> what + ": one device " + want + ", several " + got);
    }

    private static Model generator(Backend backend) {
        SymbolicTensor noise = Input.of("noise", 4);
        SymbolicTensor hidden = new Dense(16, ActivationFunction.RELU).call(noise);
        return Model.on(backend, List.of(noise), List.of(new Dense(1).call(hidden))).dtype(DType.F64).seed(2);
    }

    private static Model discriminator(Backend backend) {
        SymbolicTensor x = Input.of("x", 1);
        SymbolicTensor hidden = new Dense(16, ActivationFunction.LEAKY_RELU).call(x);
        return Model.on(backend, List.of(x), List.of(new Dense(1).call(hidden))).dtype(DType.F64).seed(3);
    }

    /** {@code n} draws of N(2, 0.5) as a one-feature data set (labels unused by an unconditional GAN). */
    private static ArrayDataset gaussian(int n) {
        Random random = new Random(11);
        double[][] x = new double[n][1];
        double[][] y = new double[n][1];
        for (double[] row : x) {
            row[0] = 2 + 0.5 * random.nextGaussian();
        }
        return ArrayDataset.of(x, y);
    }
}
