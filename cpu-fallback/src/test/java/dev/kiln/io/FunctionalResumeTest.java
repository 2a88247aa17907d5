package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Add;
import dev.kiln.layer.Concatenate;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Input;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.loss.Losses;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.EarlyStopping;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints of functional models, and early stopping carried across a resume. */
class FunctionalResumeTest {
    @TempDir
    Path dir;
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        assertEquals(0, backend.liveBuffers(), "every buffer is freed");
        backend.close();
    }

    /**
     * x [3] -> a layer shared by two calls, a frozen nested Sequential and a trainable one; both nested models hold
     * a layer named dense_1, so only the model's names tell their parameters apart.
     */
    private Model functional(int decoderUnits) {
        SymbolicTensor x = Input.of("x", 3);
        Dense shared = new Dense(4, ActivationFunction.TANH).named("shared");
        SymbolicTensor h1 = shared.call(x);
        SymbolicTensor h2 = shared.call(new Dense(3).named("project").call(x));
        Sequential encoder = new Sequential(new Dense(4, ActivationFunction.RELU), new Dense(3)).named("encoder")
                .trainable(false);
        Sequential decoder = new Sequential(new Dense(decoderUnits, ActivationFunction.TANH), new Dense(1))
                .named("decoder");
        SymbolicTensor y = decoder.call(new Concatenate().call(encoder.call(new Add().call(h1, h2)), h1));
        Model model = Model.on(backend, List.of(x), List.of(y)).dtype(DType.F64).seed(3);
        model.compile(Losses.mse(), new Adam(0.02));
        return model;
    }

    @Test
    void aFunctionalModelResumesBitForBitAndRefusesAnotherGraph() {
        double[][][] d = ResumeTest.data();
        Path root = dir.resolve("ckpt");
        try (Model straight = functional(5)) {
            History full = straight.fit(d[0], d[1], ResumeTest.options(4));
            try (Model first = functional(5)) {
                first.fit(d[0], d[1], ResumeTest.options(2).toBuilder()
                        .callbacks(CheckpointCallback.everyEpoch(root, 1)).build());
            }
            try (Model resumed = functional(5)) {
                History rest = resumed.fit(d[0], d[1], Resume.from(root).options(ResumeTest.options(4)));
                assertEquals(full.last().loss(), rest.last().loss(), 0);
                Map<String, Tensor> expected = straight.namedWeights();
                Map<String, Tensor> actual = resumed.namedWeights();
                assertEquals(expected.keySet(), actual.keySet());
                assertTrue(expected.containsKey("encoder/dense_1/kernel") && expected.containsKey("decoder/dense_1/kernel"));
                expected.forEach((name, w) -> assertArrayEquals(w.toDoubleArray(), actual.get(name).toDoubleArray(), name));
            }
        }
        try (Model other = functional(6)) {
            KilnException e = assertThrows(KilnException.class,
                    () -> other.fit(d[0], d[1], Resume.from(root).options(ResumeTest.options(4))));
            assertTrue(e.getMessage().contains("model.json") && e.getMessage().contains("differ")
                    && e.getMessage().contains("units"), e.getMessage());
        }
    }

    private Sequential regressor() {
        Sequential model = Sequential.on(backend, new Dense(8, ActivationFunction.TANH), new Dense(1))
                .dtype(DType.F64).seed(21);
        model.compile(Losses.mse(), new Adam(0.08));
        return model;
    }

    private static EarlyStopping stopping() {
        return new EarlyStopping("val_loss", 0, 3, EarlyStopping.Mode.MIN, true);
    }

    @Test
    void earlyStoppingResumedFromAnyCheckpointStopsAtTheSameEpochWithTheSameWeights() throws Exception {
        double[][][] d = ResumeTest.data();
        Path root = dir.resolve("ckpt");
        FitOptions options = ResumeTest.options(200);
        int stopEpoch;
        int bestEpoch;
        String reason;
        List<double[]> finalWeights;
        try (Sequential straight = regressor()) {
            EarlyStopping es = stopping();
            // the checkpoint is listed first: it still records early stopping's state after the same epoch
            History history = straight.fit(d[0], d[1], options.toBuilder()
                    .callbacks(CheckpointCallback.everyEpoch(root, 1000), es).build());
            assertTrue(history.stoppedEarly(), "the run must stop early for this test to mean anything");
            stopEpoch = history.last().epoch();
            bestEpoch = es.bestEpoch();
            reason = history.stopReason();
            finalWeights = straight.weights().stream().map(Tensor::toDoubleArray).toList();
            assertTrue(bestEpoch >= 2 && bestEpoch <= stopEpoch - 3, "best " + bestEpoch + ", stop " + stopEpoch);
        }
        double[] lastKernel = SafetensorsReader.readAll(root.resolve(CheckpointStore.name(stopEpoch))
                .resolve(ModelFormat.WEIGHTS_FILE)).get("dense_1/kernel").doubles();
        assertFalse(java.util.Arrays.equals(finalWeights.get(0), lastKernel), "the best weights were restored");
        assertTrue(Files.exists(root.resolve(CheckpointStore.name(bestEpoch + 1)).resolve(ModelFormat.CALLBACKS_FILE)));
        TrainingState.SavedCallback saved = TrainingState.read(root.resolve(CheckpointStore.name(bestEpoch + 1)))
                .callbacks().get("early_stopping");
        assertEquals(bestEpoch, saved.values().get("best_epoch").intValue());
        assertEquals(1, saved.values().get("epochs_without_improvement").intValue());

        for (int from = 1; from < stopEpoch; from++) {
            try (Sequential resumed = regressor()) {
                EarlyStopping es = stopping();
                FitOptions resuming = Resume.from(root.resolve(CheckpointStore.name(from)))
                        .options(options.toBuilder().callbacks(es).build());
                History rest = resumed.fit(d[0], d[1], resuming);
                assertEquals(stopEpoch, rest.last().epoch(), "resumed after epoch " + from);
                assertEquals(reason, rest.stopReason(), "resumed after epoch " + from);
                assertEquals(bestEpoch, es.bestEpoch(), "resumed after epoch " + from);
                for (int i = 0; i < finalWeights.size(); i++) {
                    assertArrayEquals(finalWeights.get(i), resumed.weights().get(i).toDoubleArray(),
                            "resumed after epoch " + from + ", weight " + i);
                }
            }
        }
    }

    @Test
    void earlyStoppingRefusesTheStateOfAnotherMonitor() {
        double[][][] d = ResumeTest.data();
        Path root = dir.resolve("ckpt");
        try (Sequential model = regressor()) {
            model.fit(d[0], d[1], ResumeTest.options(2).toBuilder()
                    .callbacks(CheckpointCallback.everyEpoch(root, 1), stopping()).build());
        }
        try (Sequential model = regressor()) {
            EarlyStopping other = new EarlyStopping("loss", 0, 3, EarlyStopping.Mode.MIN, true);
            KilnException e = assertThrows(KilnException.class, () -> model.fit(d[0], d[1],
                    Resume.from(root).options(ResumeTest.options(5).toBuilder().callbacks(other).build())));
            assertTrue(e.getMessage().contains("'val_loss'") && e.getMessage().contains("'loss'"), e.getMessage());
        }
    }
}
