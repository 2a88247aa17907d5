package dev.kiln.samples.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.io.Compilation;
import dev.kiln.io.SavedModel;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.samples.cli.CommandRun;
import dev.kiln.samples.commandline.ExitCodes;
import dev.kiln.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Numeric class labels are values: "1.0" and "1" name one class, in training and in evaluation. */
class NumericClassNamesTest {
    @TempDir
    Path dir;

    @Test
    void numericLabelsWrittenDifferentlyAreOneClassNamedInItsShortestForm() throws IOException {
        StringBuilder csv = new StringBuilder("a,b,kind\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i % 2).append(',').append((i * 7) % 5).append(',')
                    .append(List.of("1.0", "2", "1", "2.00").get(i % 4)).append('\n');
        }
        Path data = Files.writeString(dir.resolve("kinds.csv"), csv);
        Path model = dir.resolve("model");
        CommandRun train = CommandRun.of("train", "csv", "--file", data.toString(), "--label", "kind", "--epochs", "2",
                "--backend", "cpu", "--save-model", model.toString(), "--out", dir.resolve("run").toString());
        assertEquals(ExitCodes.SUCCESS, train.exitCode(), train.err());
        JsonNode classes = new ObjectMapper().readTree(model.resolve("model.json").toFile())
                .get("compilation").get("classes");
        assertEquals("[\"1\",\"2\"]", classes.toString());

        CommandRun evaluate = CommandRun.of("evaluate", "--model", model.toString(), "--data", data.toString(),
                "--backend", "cpu", "--output", dir.resolve("e.json").toString());
        assertEquals(ExitCodes.SUCCESS, evaluate.exitCode(), evaluate.err());
        assertEquals(40, new ObjectMapper().readTree(dir.resolve("e.json").toFile()).get("samples").asInt());
    }

    @Test
    void aModelSavedWithClassNamesAsWrittenMatchesLabelsByValue() throws IOException {
        Path model = dir.resolve("model");
        try (Backend backend = Backends.select("cpu");
             Sequential network = Sequential.on(backend, new Dense(2, ActivationFunction.SOFTMAX)).seed(1)) {
            network.build(Shape.of(2));
            network.compile(Losses.categoricalCrossEntropy(false), new Adam(0.01));
            SavedModel.save(network, null, new Compilation("categorical_crossentropy", List.of("accuracy"),
                    List.of("0.0", "1.0")), model);
        }
        Path data = Files.writeString(dir.resolve("labelled.csv"), "a,b,y\n0,1,1\n1,0,0\n");
        CommandRun run = CommandRun.of("evaluate", "--model", model.toString(), "--data", data.toString(),
                "--backend", "cpu", "--output", dir.resolve("e.json").toString());
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
    }
}
