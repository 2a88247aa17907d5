package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.check.DevicesCheck;
import dev.kiln.io.CheckpointCallback;
import dev.kiln.io.Resume;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.BatchNormalization;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.loss.Reduction;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.optim.Sgd;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fit on several CPU backends, each a device of its own, against the same fit on one. */
class MultiDeviceFitTest {
    private Backend first;
    private Backend second;
    private Backend third;

    @BeforeEach
    void open() {
        first = Backends.select("cpu");
        second = Backends.select("cpu");
        third = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        first.close();
        second.close();
        third.close();
    }

    @Test
    void twoDevicesTrainAsOneWithAnEqualSplit() {
        assertEquals(List.of(), DevicesCheck.matchesOneDevice(List.of(first, second), DeviceSplit.equal(), 8));
    }

    @Test
    void threeDevicesTrainAsOneWithAnUnevenSplitAndALastBatchOfOne() {
        assertEquals(List.of(), DevicesCheck.matchesOneDevice(List.of(first, second, third),
                DeviceSplit.fixed(3, 1, 1), 10));
    }

    @Test
    void aMeasuredSplitChangesNothingButRounding() {
        assertEquals(List.of(), DevicesCheck.matchesOneDevice(List.of(first, second), DeviceSplit.measured(), 16));
    }

    @Test
    void slicesFollowTheWeightsAndRoundTheSameWayEveryTime() {
        assertArrayEquals(new int[] {8, 2}, DeviceSplit.sizes(10, new double[] {3, 1}));
        assertArrayEquals(new int[] {1, 0, 0}, DeviceSplit.sizes(1, new double[] {1, 1, 1}));
        assertArrayEquals(new int[] {2, 1, 1}, DeviceSplit.sizes(4, new double[] {1, 1, 1}));
        assertArrayEquals(new int[] {3, 3, 4}, DeviceSplit.sizes(10, new double[] {1, 1, 1.2}));
    }

    @Test
    void batchNormalisationMeansAreAveragedBySlice() {
        double[][] x = rows(40, 4, 1);
        double[][] y = rows(40, 1, 2);
        FitOptions options = FitOptions.builder().epochs(2).batchSize(10).shuffle(false).log(false).build();
        try (Sequential alone = normalised(first); Sequential together = normalised(first)) {
            alone.fit(x, y, options);
            together.fit(x, y, options.toBuilder().devices(List.of(first, second), DeviceSplit.fixed(3, 2)).build());
            // with a learning rate of 0 only the running statistics change: the mean of the slices' means is the
            // batch's mean, while the variance is the mean of the slices' variances
            assertArrayEquals(alone.getWeights().get("batch_normalization_1/moving_mean"),
                    together.getWeights().get("batch_normalization_1/moving_mean"), 1e-6);
        }
    }

    @Test
    void replicasFreeTheirMemoryWhenTheFitEnds() {
        long before = second.liveBuffers();
        assertEquals(List.of(), DevicesCheck.matchesOneDevice(List.of(first, second), DeviceSplit.equal(), 8));
        assertEquals(before, second.liveBuffers());
    }

    @Test
    void aFailingDeviceStopsTrainingNamingItAndLeavesTheModelAtItsLastStep(@TempDir Path root) {
        double[][] x = rows(30, 3, 4);
        double[][] y = rows(30, 1, 5);
        Map<String, double[]> lastStep = new LinkedHashMap<>();
        Callback failure = new Callback() {
            @Override
            public void onBatchBegin(int epoch, int step, TrainingContext context) {
                if (epoch == 3 && step == 2) {
                    second.close();
                }
            }

            @Override
            public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
                ((Sequential) context.model()).namedWeights().forEach((k, v) -> lastStep.put(k, v.toDoubleArray()));
            }
        };
        FitOptions options = FitOptions.builder().epochs(5).batchSize(6).seed(1).log(false).build();
        try (Sequential model = regression(first)) {
            KilnException e = assertThrows(KilnException.class, () -> model.fit(x, y, options.toBuilder()
                    .callbacks(failure, CheckpointCallback.everyEpoch(root, 2))
                    .devices(List.of(first, second), DeviceSplit.equal()).build()));
            assertTrue(e.getMessage().startsWith("device 1, " + second.device().name() + " (cpu), failed in epoch 3,"
                    + " step 2: "), e.getMessage());
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            model.namedWeights().forEach((name, w) -> assertArrayEquals(lastStep.get(name), w.toDoubleArray(),
                    name + " is the weights of the last step done"));
        }
        // the checkpoint of epoch 2 resumes on the devices left (a replacement for the failed one beside the first),
        // and ends as the whole run on one device would have
        try (Sequential resumed = regression(first); Sequential straight = regression(first)) {
            History rest = resumed.fit(x, y, Resume.from(root).options(options.toBuilder()
                    .devices(List.of(first, third), DeviceSplit.equal()).build()));
            assertEquals(5, rest.epochs().size());
            straight.fit(x, y, options);
            straight.namedWeights().forEach((name, w) -> assertArrayEquals(w.toDoubleArray(),
                    resumed.namedWeights().get(name).toDoubleArray(), 1e-5, name));
        }
    }

    @Test
    void devicesAreCheckedBeforeTraining() {
        double[][] x = rows(8, 3, 6);
        double[][] y = rows(8, 1, 7);
        try (Sequential model = regression(first)) {
            KilnException notOwn = assertThrows(KilnException.class, () -> model.fit(x, y,
                    FitOptions.builder().log(false).devices(List.of(second, first)).build()));
            assertTrue(notOwn.getMessage().startsWith("the first device of a fit on several devices must be the"
                    + " model's own backend"), notOwn.getMessage());
            KilnException twice = assertThrows(KilnException.class, () -> FitOptions.builder()
                    .devices(List.of(first, first)).build());
            assertTrue(twice.getMessage().contains("is listed twice"), twice.getMessage());
            KilnException weights = assertThrows(KilnException.class, () -> FitOptions.builder()
                    .devices(List.of(first, second), DeviceSplit.fixed(1, 2, 3)).build());
            assertTrue(weights.getMessage().contains("gives 3 weights for 2 devices"), weights.getMessage());
        }
        try (Sequential summed = Sequential.on(first, new Dense(1)).seed(1)) {
            summed.compile(Losses.byName("mse", Reduction.SUM), new Sgd(0.1));
            KilnException e = assertThrows(KilnException.class, () -> summed.fit(x, y,
                    FitOptions.builder().log(false).devices(List.of(first, second)).build()));
            assertTrue(e.getMessage().contains("sums over the batch"), e.getMessage());
        }
    }

    @Test
    void theReportGivesTheExchangeShare() {
        double[][] x = rows(64, 3, 8);
        double[][] y = rows(64, 1, 9);
        DeviceReport[] seen = new DeviceReport[1];
        Callback report = new Callback() {
            @Override
            public void onEpochEnd(EpochResult result, TrainingContext context) {
                seen[0] = context.deviceReport();
            }
        };
        try (Sequential model = regression(first)) {
            model.fit(x, y, FitOptions.builder().epochs(2).batchSize(16).log(false).callbacks(report)
                    .devices(List.of(first, second)).build());
        }
        assertNotNull(seen[0]);
        assertEquals(4, seen[0].steps());
        assertEquals(2, seen[0].weights().size());
        assertTrue(seen[0].exchangeShare() > 0 && seen[0].exchangeShare() < 1, seen[0].toString());
        // the first epoch measured each device's samples per second, which replaced the equal start
        assertTrue(seen[0].weights().stream().allMatch(w -> w > 1), seen[0].toString());
        try (Sequential model = regression(first)) {
            model.fit(x, y, FitOptions.builder().epochs(2).batchSize(16).log(false).callbacks(report)
                    .devices(List.of(first, second), DeviceSplit.equal()).build());
        }
        assertEquals(List.of(1.0, 1.0), seen[0].weights());
    }

    private static Sequential regression(Backend backend) {
        Sequential model = Sequential.on(backend, new Dense(6, ActivationFunction.TANH), new Dense(1)).seed(3);
        model.compile(Losses.mse(), new Adam(0.01));
        return model;
    }

    private static Sequential normalised(Backend backend) {
        Sequential model = Sequential.on(backend, new Dense(5), new BatchNormalization().momentum(0.5),
                new Dense(1)).seed(3);
        model.compile(Losses.mse(), new Sgd(0));
        return model;
    }

    private static double[][] rows(int count, int width, long seed) {
        Random random = new Random(seed);
        double[][] rows = new double[count][];
        for (int i = 0; i < count; i++) {
            rows[i] = random.doubles(width, -1, 1).toArray();
        }
        return rows;
    }
}
