package dev.kiln.samples.persist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.csv.CsvReader;
import dev.kiln.data.preprocess.Split;
import dev.kiln.io.LoadedModel;
import dev.kiln.io.SavedModel;
import dev.kiln.samples.ModelStorage;
import dev.kiln.samples.cli.CommandRun;
import dev.kiln.samples.commandline.ExitCodes;
import dev.kiln.samples.csv.CsvOptions;
import dev.kiln.samples.csv.CsvTask;
import dev.kiln.samples.csv.CsvTrainer;
import dev.kiln.samples.csv.PreparedTable;
import dev.kiln.samples.csv.RegressionScores;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** A csv regressor saved, loaded, predicting and evaluated in the target's own units, and resumed. */
class SavedRegressorTest {
    private static final int ROWS = 150;
    private static final long SEED = 3;

    @TempDir
    Path dir;
    private Path table;
    private List<String> lines;

    @BeforeEach
    void writeTable() throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        StringBuilder csv = new StringBuilder("x1,x2,price\n");
        for (int i = 0; i < ROWS; i++) {
            double x1 = random.nextDouble(0, 10);
            double x2 = random.nextDouble(-5, 5);
            csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4f%n", x1, x2,
                    1000 + 30 * x1 - 20 * x2 + random.nextGaussian()));
        }
        table = Files.writeString(dir.resolve("prices.csv"), csv);
        lines = Files.readAllLines(table);
    }

    @Test
    void aSavedRegressorPredictsAndIsEvaluatedInTheTargetsUnits() throws IOException {
        Path model = dir.resolve("model");
        CsvOptions options = new CsvOptions(table, "price", CsvTask.REGRESS, List.of(8), 0.2, 0.15, 5, CsvReader.COMMA);
        PreparedTable prepared = CsvTrainer.prepare(options, SEED);
        CsvTrainer.Result trained;
        double[] inProcess;
        try (Backend backend = Backends.select("cpu")) {
            trained = CsvTrainer.train(backend, options, prepared, 20, 16, 1e-2, SEED, List.of(),
                    new ModelStorage(model, null, null));
            try (LoadedModel loaded = SavedModel.load(model, backend)) {
                double[][] outputs = loaded.model().predict(prepared.testFeatures());
                inProcess = prepared.target().invert(Arrays.stream(outputs).mapToDouble(r -> r[0]).toArray());
            }
        }
        int[] test = Split.shuffled(ROWS, 0.15, 0.2, SEED).test();
        StringBuilder features = new StringBuilder("x1,x2\n");
        StringBuilder labelled = new StringBuilder("x1,x2,price\n");
        for (int row : test) {
            String line = lines.get(row + 1);
            features.append(line, 0, line.lastIndexOf(',')).append('\n');
            labelled.append(line).append('\n');
        }

        CommandRun predict = CommandRun.of("predict", "--model", model.toString(), "--input",
                Files.writeString(dir.resolve("in.csv"), features).toString(), "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, predict.exitCode(), predict.err());
        double[] predicted = predict.out().lines().skip(1).mapToDouble(Double::parseDouble).toArray();
        assertArrayEquals(inProcess, predicted, 1e-9);
        assertTrue(Arrays.stream(predicted).allMatch(p -> p > 700 && p < 1400), "prices: " + predict.out());
        RegressionScores scores = RegressionScores.of(predicted, prepared.testTargets());
        assertEquals(trained.test().metric("mse"), scores.mse(), 1e-9 * scores.mse());

        Path metrics = dir.resolve("metrics.json");
        CommandRun evaluate = CommandRun.of("evaluate", "--model", model.toString(), "--data",
                Files.writeString(dir.resolve("test.csv"), labelled).toString(), "--label", "price",
                "--output", metrics.toString(), "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, evaluate.exitCode(), evaluate.err());
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        assertEquals(test.length, json.get("samples").intValue());
        assertEquals(trained.test().metric("mse"), json.get("mse").doubleValue(), 1e-9 * scores.mse());
        assertEquals(trained.test().metric("r2"), json.get("r2").doubleValue(), 1e-9);
        assertEquals(trained.test().loss(), json.get("loss").doubleValue(), 1e-6 * trained.test().loss());
    }

    @Test
    void aResumedRegressionRunSavesTheSameModelAsAStraightRun() throws IOException {
        Path checkpoints = dir.resolve("checkpoints");
        assertEquals(ExitCodes.SUCCESS, train("4", "--checkpoints", checkpoints.toString()).exitCode());
        assertEquals(ExitCodes.SUCCESS, train("8", "--resume", checkpoints.toString(),
                "--save-model", dir.resolve("resumed").toString()).exitCode());
        assertEquals(ExitCodes.SUCCESS, train("8", "--save-model", dir.resolve("straight").toString()).exitCode());

        assertArrayEquals(Files.readAllBytes(dir.resolve("straight/weights.safetensors")),
                Files.readAllBytes(dir.resolve("resumed/weights.safetensors")));
        String description = Files.readString(dir.resolve("resumed/model.json"));
        assertEquals(Files.readString(dir.resolve("straight/model.json")), description);
        assertTrue(description.contains("\"target_scaling\"") && description.contains("\"format_version\" : 2"),
                description);
    }

    private CommandRun train(String epochs, String... storage) {
        List<String> args = new ArrayList<>(List.of("train", "csv", "--file", table.toString(), "--label",
                "price", "--task", "regress", "--hidden", "8", "--backend", "cpu", "--epochs", epochs,
                "--out", dir.resolve("run-" + epochs + "-" + storage[0].substring(2)).toString()));
        args.addAll(List.of(storage));
        CommandRun run = CommandRun.of(args.toArray(String[]::new));
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        return run;
    }
}
