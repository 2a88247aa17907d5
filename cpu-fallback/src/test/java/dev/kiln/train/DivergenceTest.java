package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.ArrayDataset;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A loss that is no longer finite stops training and says so in the history, apart from any other stop. */
class DivergenceTest {
    private static final float[] X = {0, 1, 1, 0, 0.5f, 0.5f, 1, 1, 0.2f, 0.9f, 0.7f, 0.1f};
    private static final float[] Y = {1, 2, 1.5f, 3, 1.2f, 1.9f};
    private Backend backend;
    private Sequential model;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
        model = Sequential.on(backend, new Dense(1)).seed(3);
        model.compile(Losses.mse(), new Sgd(0.05));
    }

    @AfterEach
    void close() {
        model.close();
        backend.close();
    }

    private static ArrayDataset data(float scale) {
        float[] x = X.clone();
        for (int i = 0; i < x.length; i++) {
            x[i] *= scale;
        }
        return ArrayDataset.of(x, Shape.of(2), Y, Shape.of(1));
    }

    private static FitOptions.Builder options(int epochs) {
        return FitOptions.builder().epochs(epochs).batchSize(2).log(false);
    }

    @Test
    void anInfiniteTrainingLossMarksTheHistoryDiverged() {
        model.compile(Losses.mse(), new Sgd(1e12));
        History history = model.fit(data(1e3f), options(5).build());
        assertTrue(history.diverged(), history.stopReason());
        assertTrue(history.stopReason().startsWith("loss became"), history.stopReason());
    }

    @Test
    void theStepWhoseLossIsNotFiniteIsNamedWhetherOrNotACallbackReadsEachStep() {
        Callback eachStep = new Callback() {
            @Override
            public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
            }
        };
        // outputs near 1e25 square past F32's range at the first step
        for (FitOptions options : new FitOptions[] {options(5).build(), options(5).callbacks(eachStep).build()}) {
            model.compile(Losses.mse(), new Sgd(0.05));
            History history = model.fit(data(1e25f), options);
            assertTrue(history.diverged(), history.stopReason());
            assertTrue(history.stopReason().matches("loss became (NaN|Infinity) at epoch 1, step 1 of 3;.*"),
                    history.stopReason());
            assertTrue(history.epochs().isEmpty());
        }
    }

    @Test
    void anInfiniteValidationLossStopsTrainingBeforeTheEpochCounts() {
        // squared errors of outputs near 1e25 overflow F32: the model trains on the one set and not the other
        History history = model.fit(data(1), options(5).validationData(data(1e25f)).build());
        assertTrue(history.diverged(), history.stopReason());
        assertTrue(history.stopReason().startsWith("validation loss became Infinity at epoch 1"),
                history.stopReason());
        assertTrue(history.epochs().isEmpty(), "an epoch whose validation loss is not finite does not count");
    }

    @Test
    void earlyStoppingIsNoDivergence() {
        Callback enough = new Callback() {
            @Override
            public void onEpochEnd(EpochResult result, TrainingContext context) {
                context.stop("enough");
            }
        };
        History history = model.fit(data(1), options(5).callbacks(enough).build());
        assertTrue(history.stoppedEarly());
        assertFalse(history.diverged());
    }

    @Test
    void earlyStoppingRestoresTheBestWeightsWhenTrainingDiverges() {
        Callback blowUp = new Callback() {
            @Override
            public void onEpochBegin(int epoch, TrainingContext context) {
                if (epoch == 4) {
                    context.optimizer().setLearningRate(1e30);
                }
            }
        };
        EarlyStopping stopping = EarlyStopping.onValidationLoss(10);
        ArrayDataset validation = data(1);
        History history = model.fit(data(1), options(10).validationData(validation)
                .callbacks(blowUp, stopping).build());
        assertTrue(history.diverged(), history.stopReason());
        assertEquals(3, history.epochs().size());
        for (Tensor weight : model.namedWeights().values()) {
            assertTrue(Arrays.stream(weight.toDoubleArray()).allMatch(Double::isFinite), "weights are restored");
        }
        double best = history.epochs().get(stopping.bestEpoch() - 1).validationLoss();
        assertEquals(best, model.evaluate(validation).loss(), 1e-6 * best);
    }
}
