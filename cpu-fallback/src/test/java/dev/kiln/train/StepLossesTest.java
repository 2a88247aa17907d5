package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.PendingDownload;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.monitor.TensorBoard;
import dev.kiln.optim.Adam;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fit reads a step's loss once the next step is queued, unless a callback overrides onBatchEnd; either way it
 * trains the same, and stops and diverges at the same step.
 */
class StepLossesTest {
    private static final Callback EACH_STEP = new Callback() {
        @Override
        public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
        }
    };

    /** A loss that counts how often it is awaited. */
    private static final class CountedLoss implements PendingDownload {
        private final double value;
        private int awaits;

        CountedLoss(double value) {
            this.value = value;
        }

        @Override
        public double[] await() {
            awaits++;
            return new double[] {value};
        }
    }

    @Test
    void byDefaultCallbacksOverridingOnBatchEndNeedItBeforeTheNextStep(@TempDir Path logs) {
        assertTrue(EACH_STEP.batchEndBeforeNextStep());
        assertFalse(new Callback() {
            @Override
            public void onGradients(int epoch, int step, TrainingContext context) {
            }
        }.batchEndBeforeNextStep());
        assertFalse(new EpochLogger().batchEndBeforeNextStep());
        // It overrides onBatchEnd only to write the loss down.
        assertTrue(StepLosses.overridesOnBatchEnd(new TensorBoard(logs)));
        assertFalse(new TensorBoard(logs).batchEndBeforeNextStep());
    }

    @Test
    void withoutSuchACallbackAStepsLossIsReadWhenTheNextIsQueued() {
        StepLosses losses = StepLosses.of(List.of(new EpochLogger()));
        CountedLoss first = new CountedLoss(2);
        CountedLoss second = new CountedLoss(3);
        assertNull(losses.queued(1, 4, first));
        assertEquals(0, first.awaits);
        assertEquals(new StepLosses.Read(1, 2), losses.queued(2, 1, second));
        assertEquals(1, first.awaits);
        assertEquals(0, second.awaits);
        assertEquals(new StepLosses.Read(2, 3), losses.last());
        assertNull(losses.last());
        assertEquals(2 * 4 + 3 * 1, losses.sum());
    }

    @Test
    void withSuchACallbackEachLossIsReadAsItsStepIsQueued() {
        StepLosses losses = StepLosses.of(List.of(new EpochLogger(), EACH_STEP));
        CountedLoss first = new CountedLoss(2);
        assertEquals(new StepLosses.Read(1, 2), losses.queued(1, 4, first));
        assertEquals(1, first.awaits);
        assertNull(losses.last());
        assertEquals(8, losses.sum());
    }

    private static final double[][] X = new double[40][];
    private static final double[][] Y = new double[40][];

    static {
        for (int i = 0; i < X.length; i++) {
            X[i] = new double[] {i / 40.0, (i % 5) / 5.0, Math.sin(i)};
            Y[i] = new double[] {(i % 3) / 3.0 + X[i][0]};
        }
    }

    private static Sequential model(Backend backend) {
        Sequential model = Sequential.on(backend, new Dense(6, ActivationFunction.TANH), new Dense(1)).seed(5);
        model.compile(Losses.mse(), new Adam(0.01));
        return model;
    }

    /** Records each step's number and loss; with {@code beforeNextStep} false, fit may queue the next step first. */
    private static final class Recorder implements Callback {
        private final boolean beforeNextStep;
        private final List<String> steps = new ArrayList<>();

        Recorder(boolean beforeNextStep) {
            this.beforeNextStep = beforeNextStep;
        }

        @Override
        public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
            steps.add(epoch + "." + step + ": " + loss);
        }

        @Override
        public boolean batchEndBeforeNextStep() {
            return beforeNextStep;
        }
    }

    private static FitOptions.Builder options() {
        return FitOptions.builder().epochs(4).batchSize(6).seed(2).log(false);
    }

    @Test
    void aFitReadingEachStepTrainsExactlyAsOneReadingAStepBehind() {
        Recorder eachLoss = new Recorder(true);
        Recorder laggingLoss = new Recorder(false);
        try (Backend backend = Backends.select("cpu"); Sequential behind = model(backend);
             Sequential eachStep = model(backend)) {
            History lagging = behind.fit(X, Y, options().callbacks(laggingLoss).build());
            History reading = eachStep.fit(X, Y, options().callbacks(eachLoss).build());
            assertArrayEquals(reading.series("loss"), lagging.series("loss"));
            assertEquals(4 * 7, eachLoss.steps.size());
            assertEquals(eachLoss.steps, laggingLoss.steps);
            for (int i = 0; i < behind.parameters().size(); i++) {
                assertArrayEquals(eachStep.parameters().get(i).toDoubleArray(),
                        behind.parameters().get(i).toDoubleArray());
            }
        }
    }

    @Test
    void aThreadInterruptedInsideAStepStopsAfterThatStepWhenReadingAStepBehind() {
        Callback interrupter = new Callback() {
            @Override
            public void onGradients(int epoch, int step, TrainingContext context) {
                if (epoch == 2 && step == 3) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (Backend backend = Backends.select("cpu"); Sequential model = model(backend)) {
            History history = model.fit(X, Y, FitOptions.builder().epochs(5).batchSize(6).callbacks(interrupter)
                    .log(false).build());
            assertEquals(1, history.epochs().size());
            assertEquals("interrupted at epoch 2, step 3 of 7", history.stopReason());
            assertEquals(7 + 3, model.trainingSteps());
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt flag is still set for the caller");
        }
    }
}
