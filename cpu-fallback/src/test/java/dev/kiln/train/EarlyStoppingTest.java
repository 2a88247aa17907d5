package dev.kiln.train;

import static dev.kiln.testing.Fixtures.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    /** Training labels y = x, validation labels y = -x: learning the first makes the second worse every epoch. */
    private static double[][][] opposingData() {
        double[][] x = new double[8][];
        double[][] y = new double[8][];
        double[][] yOpposite = new double[8][];
        for (int i = 0; i < 8; i++) {
            x[i] = new double[] {(i - 3.5) / 4};
            y[i] = new double[] {x[i][0]};
            yOpposite[i] = new double[] {-x[i][0]};
        }
        return new double[][][] {x, y, yOpposite};
    }

    /** Downloads every parameter at the end of each epoch. */
    private static final class WeightRecorder implements Callback {
        final List<List<double[]>> byEpoch = new ArrayList<>();

        @Override
        public void onEpochEnd(EpochResult result, TrainingContext context) {
            byEpoch.add(context.model().parameters().stream().map(Tensor::toDoubleArray).toList());
        }
    }

    private Sequential model() {
        Sequential model = Sequential.on(backend, new Dense(1).kernelInitializer(values(0)));
        model.compile(Losses.mse(), new Sgd(0.3));
        return model;
    }

    @Test
    void stopsAfterPatienceAndRestoresTheBestWeights() {
        double[][][] d = opposingData();
        WeightRecorder recorder = new WeightRecorder();
        EarlyStopping stopping = EarlyStopping.onValidationLoss(2);
        try (Sequential model = model()) {
            History history = model.fit(d[0], d[1], FitOptions.builder().epochs(20).batchSize(8)
                    .validationData(d[0], d[2]).callbacks(recorder, stopping).log(false).build());
            assertEquals(3, history.epochs().size());
            assertTrue(history.stoppedEarly());
            assertTrue(history.stopReason().contains("val_loss"), history.stopReason());
            assertEquals(1, stopping.bestEpoch());
            double[] val = history.series("val_loss");
            assertTrue(val[0] < val[1] && val[1] < val[2]);
            List<double[]> best = recorder.byEpoch.get(0);
            List<double[]> last = recorder.byEpoch.get(2);
            assertFalse(Arrays.equals(best.get(0), last.get(0)));
            for (int i = 0; i < best.size(); i++) {
                assertArrayEquals(best.get(i), model.parameters().get(i).toDoubleArray());
            }
        }
    }

    @Test
    void withoutRestoreTheLastWeightsStay() {
        double[][][] d = opposingData();
        WeightRecorder recorder = new WeightRecorder();
        EarlyStopping stopping = new EarlyStopping("val_loss", 0, 1, EarlyStopping.Mode.AUTO, false);
        try (Sequential model = model()) {
            History history = model.fit(d[0], d[1], FitOptions.builder().epochs(20).batchSize(8)
                    .validationData(d[0], d[2]).callbacks(recorder, stopping).log(false).build());
            assertEquals(2, history.epochs().size());
            assertArrayEquals(recorder.byEpoch.get(1).get(0), model.parameters().get(0).toDoubleArray());
        }
    }

    @Test
    void improvingTrainingLossNeverStops() {
        double[][][] d = opposingData();
        EarlyStopping stopping = new EarlyStopping("loss", 0, 1, EarlyStopping.Mode.MIN, true);
        try (Sequential model = model()) {
            History history = model.fit(d[0], d[1], FitOptions.builder().epochs(6).batchSize(8)
                    .callbacks(stopping).log(false).build());
            assertEquals(6, history.epochs().size());
            assertFalse(history.stoppedEarly());
            assertEquals(6, stopping.bestEpoch());
        }
    }
}
