package dev.kiln.samples.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.idx.IdxArray;
import dev.kiln.data.idx.IdxType;
import dev.kiln.data.idx.IdxWriter;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.io.Compilation;
import dev.kiln.io.SavedModel;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.samples.cli.CommandRun;
import dev.kiln.samples.commandline.ExitCodes;
import dev.kiln.train.FitOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistCommandsTest {
    private static final double[][] X = {{1, 10, 0}, {2, 20, 1}, {3, 5, 0}, {4, 15, 1}, {5, 0, 0}, {6, 8, 1}};
    private static final double[][] Y = {{0.1}, {0.4}, {0.2}, {0.7}, {0.3}, {0.9}};
    private static final Standardization SCALING = new Standardization(Standardization.Method.Z_SCORE,
            new double[] {3.5, 10, 0.5}, new double[] {1.7, 6.5, 0.5});

    @TempDir
    Path dir;

    /** A regression model saved with its normalization, loss and metric; returns its predictions for X. */
    private double[][] saveRegressionModel(Path target) {
        try (Backend backend = Backends.select("cpu");
             Sequential model = Sequential.on(backend, new Dense(4, ActivationFunction.TANH), new Dense(1)).seed(2)) {
            model.compile(Losses.mse(), new Adam(0.05), Metrics.mae());
            double[][] scaled = scaled(X);
            model.fit(scaled, Y, FitOptions.builder().epochs(3).batchSize(3).log(false).build());
            SavedModel.save(model, SCALING, new Compilation("mse", List.of("mae"), List.of()), target);
            return model.predict(scaled);
        }
    }

    private static double[][] scaled(double[][] rows) {
        double[] flat = SCALING.apply(Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray());
        double[][] out = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            out[r] = Arrays.copyOfRange(flat, r * 3, r * 3 + 3);
        }
        return out;
    }

    @Test
    void predictWritesOneCsvRowPerSample() throws IOException {
        Path model = dir.resolve("model");
        double[][] expected = saveRegressionModel(model);
        Path input = Files.writeString(dir.resolve("in.csv"), "a,b,c\n" + rows(X, null));
        Path output = dir.resolve("out.csv");

        CommandRun run = CommandRun.of("predict", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        List<String> lines = Files.readAllLines(output);
        assertEquals("prediction", lines.get(0));
        double[] predicted = lines.stream().skip(1).mapToDouble(Double::parseDouble).toArray();
        assertArrayEquals(Arrays.stream(expected).mapToDouble(r -> r[0]).toArray(), predicted, 1e-6);
    }

    @Test
    void evaluatePrintsAndWritesTheMetrics() throws IOException {
        Path model = dir.resolve("model");
        double[][] predicted = saveRegressionModel(model);
        Path data = Files.writeString(dir.resolve("data.csv"), "a,b,c,target\n" + rows(X, Y));
        Path output = dir.resolve("metrics.json");

        CommandRun run = CommandRun.of("evaluate", "--model", model.toString(), "--data", data.toString(),
                "--output", output.toString(), "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        double mse = 0;
        double mae = 0;
        for (int i = 0; i < X.length; i++) {
            mse += Math.pow(predicted[i][0] - Y[i][0], 2) / X.length;
            mae += Math.abs(predicted[i][0] - Y[i][0]) / X.length;
        }
        JsonNode json = new ObjectMapper().readTree(output.toFile());
        assertEquals(6, json.get("samples").intValue());
        assertEquals("mse", json.get("loss_function").textValue());
        assertEquals(mse, json.get("loss").doubleValue(), 1e-6);
        assertEquals(mae, json.get("mae").doubleValue(), 1e-6);
        assertTrue(run.out().contains("loss (mse)") && run.out().contains("mae"), run.out());
    }

    @Test
    void evaluateRebuildsALossOnLogitsAsCompiled() throws IOException {
        double[][] x = {{1, 0}, {0, 1}, {1, 1}, {-1, 0.5}, {0.5, -1}, {2, 1}};
        double[][] y = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 1, 0}, {1, 0, 0}, {0, 0, 1}};
        int[] labels = {0, 1, 2, 1, 0, 2};
        Path model = dir.resolve("logits");
        double expected;
        try (Backend backend = Backends.select("cpu");
             Sequential classifier = Sequential.on(backend, new Dense(3)).seed(4)) {
            classifier.compile(Losses.categoricalCrossEntropy(true), new Adam(0.1), Metrics.categoricalAccuracy());
            classifier.fit(x, y, FitOptions.builder().epochs(5).batchSize(3).log(false).build());
            expected = classifier.evaluate(x, y).loss();
            SavedModel.save(classifier, null,
                    Compilation.of(Losses.categoricalCrossEntropy(true), Metrics.categoricalAccuracy()), model);
        }
        StringBuilder csv = new StringBuilder("a,b,label\n");
        for (int i = 0; i < x.length; i++) {
            csv.append(x[i][0]).append(',').append(x[i][1]).append(',').append(labels[i]).append('\n');
        }
        Path data = Files.writeString(dir.resolve("labelled.csv"), csv);
        Path output = dir.resolve("metrics.json");
        CommandRun run = CommandRun.of("evaluate", "--model", model.toString(), "--data", data.toString(),
                "--output", output.toString(), "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(output.toFile());
        assertEquals("categorical_crossentropy", json.get("loss_function").textValue());
        // read as probabilities, logits would give a different (clipped-log) loss
        assertEquals(expected, json.get("loss").doubleValue(), 1e-6);
    }

    @Test
    void aSavedCsvClassifierPredictsAndIsEvaluatedByClassName() throws IOException {
        StringBuilder table = new StringBuilder("a,b,species\n");
        for (int i = 0; i < 60; i++) {
            int c = i % 3;
            table.append(c + (i % 7) / 10.0).append(',').append(2 * c - (i % 5) / 10.0).append(',')
                    .append(List.of("x", "y", "z").get(c)).append('\n');
        }
        Path data = Files.writeString(dir.resolve("species.csv"), table);
        Path model = dir.resolve("model");
        CommandRun train = CommandRun.of("train", "csv", "--file", data.toString(), "--label", "species",
                "--epochs", "40", "--backend", "cpu", "--save-model", model.toString(), "--out",
                dir.resolve("run").toString());
        assertEquals(ExitCodes.SUCCESS, train.exitCode(), train.err());

        Path input = Files.writeString(dir.resolve("in.csv"), "a,b\n0.1,0\n2.2,3.9\n");
        CommandRun predict = CommandRun.of("predict", "--model", model.toString(), "--input", input.toString(),
                "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, predict.exitCode(), predict.err());
        List<String> lines = predict.out().lines().toList();
        assertEquals("output_0,output_1,output_2,class", lines.get(0));
        assertTrue(lines.get(1).endsWith(",x") && lines.get(2).endsWith(",z"), predict.out());

        Path metrics = dir.resolve("metrics.json");
        CommandRun evaluate = CommandRun.of("evaluate", "--model", model.toString(), "--data", data.toString(),
                "--label", "species", "--output", metrics.toString(), "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, evaluate.exitCode(), evaluate.err());
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        assertEquals(60, json.get("samples").intValue());
        assertTrue(json.get("accuracy").doubleValue() > 0.9, json.toString());
    }

    @Test
    void predictReadsIdxSamples() throws IOException {
        Path model = dir.resolve("model");
        double[][] expected = saveRegressionModel(model);
        double[] flat = Arrays.stream(X).flatMapToDouble(Arrays::stream).toArray();
        Path input = dir.resolve("samples.idx");
        IdxWriter.write(IdxArray.of(IdxType.DOUBLE, new int[] {X.length, 3}, flat), input);

        CommandRun run = CommandRun.of("predict", "--model", model.toString(), "--input", input.toString(),
                "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        double[] predicted = run.out().lines().skip(1).mapToDouble(Double::parseDouble).toArray();
        assertArrayEquals(Arrays.stream(expected).mapToDouble(r -> r[0]).toArray(), predicted, 1e-6);
    }

    @Test
    void aDamagedModelIsOneLineAndExitCode4() throws IOException {
        Path model = dir.resolve("model");
        saveRegressionModel(model);
        Path weights = model.resolve("weights.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 1] ^= 1;
        Files.write(weights, bytes);
        Path input = Files.writeString(dir.resolve("in.csv"), "a,b,c\n1,2,3\n");

        CommandRun run = CommandRun.of("predict", "--model", model.toString(), "--input", input.toString(),
                "--backend", "cpu");
        assertEquals(ExitCodes.DAMAGED_MODEL, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.firstErrorLine().contains("weights.safetensors") && run.firstErrorLine().contains("SHA-256"),
                run.firstErrorLine());

        Files.delete(model.resolve("model.json"));
        CommandRun missing = CommandRun.of("evaluate", "--model", model.toString(), "--data", input.toString(),
                "--backend", "cpu");
        assertEquals(ExitCodes.DAMAGED_MODEL, missing.exitCode());
        assertTrue(missing.firstErrorLine().contains("model.json"), missing.firstErrorLine());
    }

    @Test
    void aCsvWithTheWrongColumnsNamesThem() throws IOException {
        Path model = dir.resolve("model");
        saveRegressionModel(model);
        Path input = Files.writeString(dir.resolve("in.csv"), "a,b\n1,2\n");
        CommandRun run = CommandRun.of("predict", "--model", model.toString(), "--input", input.toString(),
                "--backend", "cpu");
        assertEquals(ExitCodes.FAILURE, run.exitCode());
        assertTrue(run.firstErrorLine().contains("2 columns") && run.firstErrorLine().contains("3 features"),
                run.firstErrorLine());
    }

    private static String rows(double[][] x, double[][] y) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < x.length; i++) {
            StringBuilder line = new StringBuilder();
            for (double v : x[i]) {
                line.append(line.length() == 0 ? "" : ",").append(v);
            }
            if (y != null) {
                line.append(',').append(y[i][0]);
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }
}
