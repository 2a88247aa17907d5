package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.idx.IdxArray;
import dev.kiln.data.idx.IdxType;
import dev.kiln.data.idx.IdxWriter;
import dev.kiln.io.Compilation;
import dev.kiln.io.Manifest;
import dev.kiln.io.SavedModel;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.samples.commandline.ExitCodes;
import dev.kiln.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages that say what was wrong in the user's terms: the file, the field or column, what was expected. */
class MessagesTest {
    @TempDir
    Path dir;

    private static String oneError(CommandRun run, int exitCode) {
        assertEquals(exitCode, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().filter(line -> line.startsWith("kiln: ")).count(), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
        return run.firstErrorLine();
    }

    private Path savedModel() throws IOException {
        Path model = dir.resolve("model");
        CommandRun trained = CommandRun.of("train", "xor", "--backend", "cpu", "--epochs", "1", "--save-model",
                model.toString(), "--out", dir.resolve("run").toString());
        assertEquals(ExitCodes.SUCCESS, trained.exitCode(), trained.err());
        return model;
    }

    private CommandRun predict(Path model) throws IOException {
        Path input = Files.writeString(dir.resolve("in.csv"), "a,b\n0,1\n");
        return CommandRun.of("predict", "--model", model.toString(), "--input", input.toString(), "--backend", "cpu");
    }

    @Test
    void valuesTooLargeToStandardiseNameTheFileAndColumn() throws IOException {
        StringBuilder csv = new StringBuilder("a,huge,y\n");
        for (int i = 0; i < 20; i++) {
            csv.append(i).append(',').append(i % 2 == 0 ? "1e308" : "-1e308").append(',').append(i % 3).append('\n');
        }
        Path file = Files.writeString(dir.resolve("wide-range.csv"), csv);
        String line = oneError(CommandRun.of("train", "csv", "--file", file.toString(), "--label", "y",
                "--backend", "cpu", "--epochs", "1", "--out", dir.resolve("run").toString()), ExitCodes.FAILURE);
        assertTrue(line.contains("wide-range.csv") && line.contains("'huge'"), line);
        assertTrue(line.contains("too large to standardise"), line);
        assertFalse(line.contains("Infinity"), line);

        Path target = Files.writeString(dir.resolve("target.csv"), csv.toString().replace("a,huge,y", "a,y,b"));
        String regress = oneError(CommandRun.of("train", "csv", "--file", target.toString(), "--label", "y",
                "--task", "regress", "--backend", "cpu", "--epochs", "1", "--out", dir.resolve("run2").toString()),
                ExitCodes.FAILURE);
        assertTrue(regress.contains("target.csv") && regress.contains("'y'") && regress.contains("too large"), regress);
    }

    @Test
    void aMalformedManifestSaysWhereWithoutJacksonsInternals() throws IOException {
        Path model = savedModel();
        Files.writeString(model.resolve("manifest.json"), "{\"format_version\": 1, \"files\": {");
        String line = oneError(predict(model), ExitCodes.DAMAGED_MODEL);
        assertTrue(line.contains("manifest.json") && line.contains("line 1"), line);
        assertFalse(line.contains("Source") || line.contains("REDACTED") || line.contains("StreamReadFeature"), line);
    }

    @Test
    void jsonNestedTooDeeplySaysHowDeepItMayBe() throws IOException {
        Path model = savedModel();
        Files.writeString(model.resolve("model.json"), "[".repeat(100) + "]".repeat(100));
        Manifest.of(model).write(model);
        String line = oneError(predict(model), ExitCodes.DAMAGED_MODEL);
        assertTrue(line.contains("model.json") && line.contains("nested") && line.contains("64"), line);
        assertFalse(line.contains("StreamReadConstraints"), line);
    }

    @Test
    void weightsThatAreADirectoryAreNotCalledMissing() throws IOException {
        Path model = savedModel();
        Path weights = model.resolve("weights.safetensors");
        Files.delete(weights);
        Files.createDirectory(weights);
        String line = oneError(predict(model), ExitCodes.DAMAGED_MODEL);
        assertTrue(line.contains("weights.safetensors") && line.contains("is a directory"), line);
        assertFalse(line.contains("missing"), line);
    }

    @Test
    void anIdxLabelOutsideTheClassesNamesItsFile() throws IOException {
        Path model = dir.resolve("classifier");
        try (Backend backend = Backends.select("cpu");
             Sequential network = Sequential.on(backend, new Dense(3, ActivationFunction.SOFTMAX)).seed(1)) {
            network.build(Shape.of(2));
            network.compile(Losses.sparseCategoricalCrossEntropy(false), new Adam(0.01));
            SavedModel.save(network, null, new Compilation("sparse_categorical_crossentropy", List.of(), List.of()),
                    model);
        }
        Path images = dir.resolve("samples-idx");
        IdxWriter.write(IdxArray.of(IdxType.DOUBLE, new int[] {2, 2}, new double[] {0, 1, 1, 0}), images);
        Path labels = dir.resolve("labels-idx");
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {2}, new double[] {1, 200}), labels);
        String line = oneError(CommandRun.of("evaluate", "--model", model.toString(), "--data", images.toString(),
                "--labels", labels.toString(), "--backend", "cpu", "--output", dir.resolve("e.json").toString()),
                ExitCodes.FAILURE);
        assertTrue(line.contains("labels-idx") && line.contains("200"), line);
    }
}
