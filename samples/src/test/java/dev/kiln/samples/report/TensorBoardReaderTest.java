package dev.kiln.samples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.monitor.TensorBoard;
import dev.kiln.optim.Adam;
import dev.kiln.samples.cli.CommandRun;
import dev.kiln.samples.commandline.ExitCodes;
import dev.kiln.train.EpochResult;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TensorBoard's own reader (its Python {@code EventAccumulator}) loads what Kiln writes and finds every value. */
class TensorBoardReaderTest {
    private static final List<String> WEIGHTS = List.of("dense_1/kernel", "dense_1/bias", "dense_2/kernel",
            "dense_2/bias");

    @TempDir
    Path logs;

    @BeforeEach
    void requireTensorBoard() {
        ExternalProgram.require(ExternalProgram.run("python3", "-c", "import tensorboard"),
                "Python 3 with TensorBoard (pip install tensorboard)");
    }

    @Test
    void findsEveryScalarHistogramAndTheModelSummaryOfAFit() throws Exception {
        double[][] x = new double[12][];
        double[][] y = new double[12][];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {i / 6.0 - 1, (i % 3) / 3.0};
            y[i] = new double[] {x[i][0] * x[i][1]};
        }
        History history;
        String summary;
        try (Backend backend = Backends.select("cpu");
             Sequential model = Sequential.on(backend, new Dense(3, ActivationFunction.TANH), new Dense(1))) {
            model.compile(Losses.mse(), new Adam(0.01), Metrics.mae());
            history = model.fit(x, y, FitOptions.builder().epochs(3).batchSize(4).validationData(x, y).log(false)
                    .callbacks(new TensorBoard(logs).batchLossEvery(1).histogramsEvery(1)).build());
            summary = model.summary();
        }
        JsonNode runs = read("train", "validation");
        JsonNode train = runs.get("train");
        JsonNode validation = runs.get("validation");
        for (EpochResult epoch : history.epochs()) {
            int step = epoch.epoch();
            assertEquals((float) epoch.loss(), value(train, "epoch_loss", step));
            assertEquals((float) (double) epoch.metrics().get("mae"), value(train, "epoch_mae", step));
            assertEquals((float) epoch.learningRate(), value(train, "epoch_learning_rate", step));
            assertEquals((float) epoch.seconds(), value(train, "epoch_seconds", step));
            assertEquals((float) epoch.validationLoss(), value(validation, "epoch_loss", step));
            assertEquals((float) (double) epoch.validationMetrics().get("mae"), value(validation, "epoch_mae", step));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), steps(train.get("scalars").get("batch_loss")),
                "three steps in each of three epochs");

        List<String> histograms = new ArrayList<>(WEIGHTS);
        WEIGHTS.forEach(w -> histograms.add(w + "_gradient"));
        assertEquals(new TreeSet<>(histograms), tags(train.get("histograms")));
        int[] sizes = {6, 3, 3, 1};
        for (int i = 0; i < WEIGHTS.size(); i++) {
            for (String tag : List.of(WEIGHTS.get(i), WEIGHTS.get(i) + "_gradient")) {
                JsonNode entries = train.get("histograms").get(tag);
                assertEquals(List.of(1L, 2L, 3L), steps(entries), tag);
                for (JsonNode e : entries) {
                    assertEquals(sizes[i], e.get(1).asDouble(), tag + ": one count per value");
                    assertTrue(e.get(3).asInt() > 0, tag + " has buckets");
                }
            }
        }
        JsonNode text = train.get("texts").get("model_summary").get(0);
        assertTrue(text.get(1).asText().contains(summary.lines().filter(l -> l.contains("dense_2")).findFirst()
                .orElseThrow()), text.toString());
    }

    @Test
    void findsBothModelsOfAGanSampleWithTheValuesOfItsHistory() throws Exception {
        Path out = logs.resolveSibling(logs.getFileName() + "-run");
        CommandRun run = CommandRun.of("train", "gan-1d", "--backend", "cpu", "--epochs", "2", "--out",
                out.toString(), "--logdir", logs.toString());
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        JsonNode runs = read("generator", "discriminator");
        List<String> history = Files.readAllLines(out.resolve("history.csv"));
        List<String> columns = List.of(history.get(0).split(","));
        for (String row : history.subList(1, history.size())) {
            String[] cells = row.split(",");
            int epoch = Integer.parseInt(cells[columns.indexOf("epoch")]);
            assertEquals(Float.parseFloat(cells[columns.indexOf("generator_loss")]),
                    value(runs.get("generator"), "epoch_loss", epoch), 1e-6);
            assertEquals(Float.parseFloat(cells[columns.indexOf("discriminator_loss")]),
                    value(runs.get("discriminator"), "epoch_loss", epoch), 1e-6);
        }
        for (String model : List.of("generator", "discriminator")) {
            JsonNode r = runs.get(model);
            assertTrue(tags(r.get("histograms")).containsAll(WEIGHTS), model + ": " + tags(r.get("histograms")));
            assertEquals(Set.of("model_summary"), tags(r.get("texts")), model);
        }
        assertTrue(tags(runs.get("discriminator").get("scalars"))
                .containsAll(List.of("epoch_real_score", "epoch_fake_score")));
    }

    private JsonNode read(String... runs) throws IOException, URISyntaxException {
        Path script = Path.of(getClass().getResource("tensorboard_read.py").toURI());
        List<String> command = new ArrayList<>(List.of("python3", script.toString(), logs.toString()));
        command.addAll(List.of(runs));
        ExternalProgram reader = ExternalProgram.run(command.toArray(String[]::new));
        assertEquals(0, reader.exitCode(), reader.err());
        return new ObjectMapper().readTree(reader.out());
    }

    private static float value(JsonNode run, String tag, int step) {
        JsonNode entries = run.get("scalars").get(tag);
        assertTrue(entries != null, "no scalar " + tag + " in " + tags(run.get("scalars")));
        for (JsonNode e : entries) {
            if (e.get(0).asInt() == step) {
                return e.get(1).floatValue();
            }
        }
        throw new AssertionError("no " + tag + " at step " + step + ": " + entries);
    }

    private static List<Long> steps(JsonNode entries) {
        List<Long> steps = new ArrayList<>();
        entries.forEach(e -> steps.add(e.get(0).asLong()));
        return steps;
    }

    private static Set<String> tags(JsonNode byTag) {
        Set<String> tags = new TreeSet<>();
        byTag.fieldNames().forEachRemaining(tags::add);
        return tags;
    }
}
