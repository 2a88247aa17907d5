package dev.kiln.samples.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.ArrayDataset;
import dev.kiln.data.idx.IdxArray;
import dev.kiln.data.idx.IdxType;
import dev.kiln.data.idx.IdxWriter;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.io.Compilation;
import dev.kiln.io.SavedModel;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Flatten;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metric;
import dev.kiln.metric.Metrics;
import dev.kiln.metric.RenamedMetric;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Sgd;
import dev.kiln.samples.cli.CommandRun;
import dev.kiln.samples.commandline.ExitCodes;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.tensor.Shape;
import dev.kiln.train.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln evaluate --data NAME}: a data set's test split from the data directory, scaled as the model says. */
class EvaluateDataSetTest {
    private static final int IMAGES = 10000;
    private static final int PIXELS = 28 * 28;

    @TempDir
    Path dir;

    @Test
    void aDataSetNameEvaluatesItsTestSplitFromTheDataDirectory() throws IOException {
        int[] labels = new int[IMAGES];
        double[][] pixels = new double[IMAGES][PIXELS];
        for (int i = 0; i < IMAGES; i++) {
            labels[i] = (i * 7) % 10;
            for (int p = 0; p < 10; p++) {
                pixels[i][labels[i] * 20 + p] = (i * 13 + p * 31) % 256;
            }
        }
        Path cache = Files.createDirectories(dir.resolve("data").resolve(DataSetSpec.MNIST.name()));
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {IMAGES, 28, 28},
                Arrays.stream(pixels).flatMapToDouble(Arrays::stream).toArray()),
                cache.resolve("t10k-images-idx3-ubyte.gz"));
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {IMAGES},
                Arrays.stream(labels).asDoubleStream().toArray()), cache.resolve("t10k-labels-idx1-ubyte.gz"));

        Path model = dir.resolve("model");
        Standardization bytesToUnit = new Standardization(Standardization.Method.MIN_MAX, new double[PIXELS],
                filled(255));
        Loss loss = Losses.categoricalCrossEntropy(false);
        Metric accuracy = new RenamedMetric("accuracy", Metrics.categoricalAccuracy());
        Evaluation expected;
        try (Backend backend = Backends.select("cpu");
             Sequential network = Sequential.on(backend, new Flatten(), new Dense(10, ActivationFunction.SOFTMAX))
                     .seed(4)) {
            network.build(Shape.of(28, 28));
            SavedModel.save(network, bytesToUnit, Compilation.of(loss, accuracy), model);
            network.compile(loss, new Sgd(0), accuracy);
            double[] scaled = Arrays.stream(pixels).flatMapToDouble(Arrays::stream).map(v -> v / 255).toArray();
            double[] oneHot = new double[IMAGES * 10];
            for (int i = 0; i < IMAGES; i++) {
                oneHot[i * 10 + labels[i]] = 1;
            }
            expected = network.evaluate(ArrayDataset.of(scaled, Shape.of(28, 28), oneHot, Shape.of(10)));
        }

        Path metrics = dir.resolve("metrics.json");
        CommandRun run = CommandRun.of("evaluate", "--model", model.toString(), "--data", "mnist",
                "--data-dir", dir.resolve("data").toString(), "--output", metrics.toString(), "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        assertEquals("mnist", json.get("data").textValue());
        assertEquals(IMAGES, json.get("samples").intValue());
        assertEquals(expected.metric("accuracy"), json.get("accuracy").doubleValue(), 1e-12);
        assertEquals(expected.loss(), json.get("loss").doubleValue(), 1e-6 * expected.loss());
    }

    @Test
    void anUnknownDataSetNameIsAUsageErrorListingTheKnownOnes() {
        CommandRun run = CommandRun.of("evaluate", "--model", dir.resolve("model").toString(), "--data", "cifar10",
                "--data-dir", dir.toString(), "--backend", "cpu");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.firstErrorLine().contains("cifar10") && run.firstErrorLine().contains("mnist, fashion-mnist"),
                run.firstErrorLine());
    }

    private static double[] filled(double value) {
        double[] out = new double[PIXELS];
        Arrays.fill(out, value);
        return out;
    }
}
