package dev.kiln.check;

import dev.kiln.backend.Backend;
import dev.kiln.data.ArrayDataset;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.regularizer.Regularizers;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.DeviceSplit;
import dev.kiln.train.EpochResult;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Checks that training on several devices gives what training on one gives at the same global batch: a small
 * classifier (5 inputs, Dense 12 tanh with an L2 penalty, Dense 3 softmax; Adam; accuracy; validation data) trains
 * a few epochs on the first device alone and on all of them, and every epoch's loss and metrics and every final
 * weight must agree within float32 rounding. The training set's size leaves a last batch of one sample, fewer than
 * the devices. Returns the problems found, empty when there are none; the backend test suites run it, and so can a user
 * on their own devices.
 */
public final class DevicesCheck {
    private static final int FEATURES = 5;
    private static final int CLASSES = 3;
    private static final int EPOCHS = 4;
    /** Float32 rounding over a few epochs of Adam, whose first steps divide by small second moments. */
    private static final double TOLERANCE = 2e-4;

    private DevicesCheck() {
    }

    /** Trains on {@code devices} (the first trains alone for reference), splitting batches of {@code batch}. */
    public static List<String> matchesOneDevice(List<Backend> devices, DeviceSplit split, int batch) {
        Random random = new Random(3);
        ArrayDataset train = data(5 * batch + 1, random);
        FitOptions options = FitOptions.builder().epochs(EPOCHS).batchSize(batch).seed(5)
                .validationData(data(20, random)).log(false).build();
        List<String> problems = new ArrayList<>();
        try (Sequential alone = model(devices.get(0)); Sequential together = model(devices.get(0))) {
            History expected = alone.fit(train, options);
            History actual = together.fit(train, options.toBuilder().devices(devices, split).build());
            for (int e = 0; e < EPOCHS; e++) {
                EpochResult want = expected.epochs().get(e);
                EpochResult got = actual.epochs().get(e);
                want.values().forEach((key, value) -> compare("epoch " + want.epoch() + " " + key, value,
                        got.values().get(key), problems));
            }
            Map<String, Tensor> gotWeights = together.namedWeights();
            alone.namedWeights().forEach((name, w) -> {
                double[] want = w.toDoubleArray();
                double[] got = gotWeights.get(name).toDoubleArray();
                for (int i = 0; i < want.length; i++) {
                    compare(name + "[" + i + "]", want[i], got[i], problems);
                }
            });
        }
        return problems;
    }

    private static ArrayDataset data(int samples, Random random) {
        double[][] x = new double[samples][];
        int[] classes = new int[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = random.doubles(FEATURES, -1, 1).toArray();
            classes[i] = (x[i][0] + x[i][1] > 0.3 ? 1 : 0) + (x[i][2] > 0.5 ? 1 : 0);
        }
        return ArrayDataset.of(x, classes);
    }

    private static Sequential model(Backend backend) {
        Sequential model = Sequential.on(backend,
                new Dense(12, ActivationFunction.TANH).kernelRegularizer(Regularizers.l2(1e-3)),
                new Dense(CLASSES, ActivationFunction.SOFTMAX)).seed(7);
        model.compile(Losses.sparseCategoricalCrossEntropy(false), new Adam(0.02),
                Metrics.sparseCategoricalAccuracy());
        return model;
    }

    private static void compare(String what, double want, Double got, List<String> problems) {
        if (got == null || !(Math.abs(want - got) <= TOLERANCE * Math.max(1, Math.abs(want)))) {
            problems.add(what + ": one device " + want + ", several " + got);
        }
    }
}
