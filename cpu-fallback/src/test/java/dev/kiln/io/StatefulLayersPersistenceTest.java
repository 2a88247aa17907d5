package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.BatchNormalization;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Dropout;
import dev.kiln.loss.Losses;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dropout's random stream and batch normalisation's running statistics survive saving, checkpoints and resume. */
class StatefulLayersPersistenceTest extends OnCpuBackend {
    @TempDir
    Path dir;

    private static Sequential model(DType dtype) {
        Sequential model = Sequential.on(backend, new Dense(8, ActivationFunction.RELU),
                new BatchNormalization().momentum(0.8), new Dropout(0.3), new Dense(1)).dtype(dtype).seed(21);
        model.compile(Losses.mse(), new Adam(0.01));
        return model;
    }

    private static FitOptions options(int epochs) {
        return FitOptions.builder().epochs(epochs).batchSize(8).seed(3).log(false).build();
    }

    @Test
    void aResumedRunDrawsTheSameDropoutMasksAndStatisticsAsAnUninterruptedOne() {
        double[][][] d = ResumeTest.data();
        try (Sequential straight = model(DType.F64)) {
            History full = straight.fit(d[0], d[1], options(4));
            Path root = dir.resolve("checkpoints");
            try (Sequential first = model(DType.F64)) {
                first.fit(d[0], d[1], options(2).toBuilder().callbacks(CheckpointCallback.everyEpoch(root, 1)).build());
            }
            try (Sequential resumed = model(DType.F64)) {
                History rest = resumed.fit(d[0], d[1], Resume.from(root).options(options(4)));
                assertArrayEquals(full.series("loss"), rest.series("loss"),
                        "losses of epochs 3 and 4, after those the checkpoint kept");
                Map<String, Tensor> expected = straight.namedWeights();
                Map<String, Tensor> actual = resumed.namedWeights();
                assertEquals(expected.keySet(), actual.keySet());
                assertTrue(actual.containsKey("batch_normalization_1/moving_variance"));
                expected.forEach((name, w) -> assertArrayEquals(w.toDoubleArray(), actual.get(name).toDoubleArray(), name));
            }
        }
    }

    @Test
    void runningStatisticsAreSavedAndUsedByTheLoadedModel() {
        double[][][] d = ResumeTest.data();
        Path saved = dir.resolve("model");
        double[][] predictions;
        double[] movingMean;
        try (Sequential trained = model(DType.F32)) {
            trained.fit(d[0], d[1], options(2));
            BatchNormalization bn = (BatchNormalization) trained.layers().get(1);
            movingMean = bn.state().get(0).toDoubleArray();
            assertFalse(java.util.Arrays.stream(movingMean).allMatch(v -> v == 0), "training moved the statistics");
            predictions = trained.predict(d[0]);
            SavedModel.save(trained, saved);
        }
        try (LoadedModel loaded = SavedModel.load(saved, backend)) {
            Model model = loaded.model();
            BatchNormalization bn = (BatchNormalization) model.layers().get(1);
            assertEquals(0.8, bn.momentum());
            assertEquals(0.3, ((Dropout) model.layers().get(2)).rate());
            assertArrayEquals(movingMean, bn.state().get(0).toDoubleArray(), 0);
            double[][] again = model.predict(d[0]);
            for (int i = 0; i < again.length; i++) {
                assertArrayEquals(predictions[i], again[i], 0, "sample " + i);
            }
        }
    }

    @Test
    void aBadDropoutRateInModelJsonNamesTheField() throws Exception {
        Path saved = dir.resolve("bad");
        try (Sequential trained = model(DType.F32)) {
            trained.build(dev.kiln.tensor.Shape.of(3));
            SavedModel.save(trained, saved);
        }
        Path json = saved.resolve("model.json");
        String text = Files.readString(json);
        assertTrue(text.contains("\"rate\" : 0.3"), text);
        Files.writeString(json, text.replace("\"rate\" : 0.3", "\"rate\" : 1.5"));
        Files.delete(saved.resolve(Manifest.FILE_NAME));
        KilnException e = assertThrows(KilnException.class, () -> SavedModel.loadUnverified(saved, backend, null));
        assertTrue(e.getMessage().contains("model.json") && e.getMessage().contains("layers[2]")
                && e.getMessage().contains("rate"), e.getMessage());
    }
}
