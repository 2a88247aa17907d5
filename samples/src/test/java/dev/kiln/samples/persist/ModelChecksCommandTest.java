package dev.kiln.samples.persist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.io.Compilation;
import dev.kiln.io.Manifest;
import dev.kiln.io.SavedModel;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.model.Sequential;
import dev.kiln.samples.cli.CommandRun;
import dev.kiln.samples.commandline.ExitCodes;
import dev.kiln.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a model from the command line: a model directory the manifest does not vouch for is damaged (exit 4). */
class ModelChecksCommandTest {
    private static final String EMPTY_MANIFEST = "{\"format_version\":1,\"files\":{}}";

    @TempDir
    Path dir;
    private Path model;
    private Path input;
    private Path labelled;

    @BeforeEach
    void save() throws IOException {
        model = dir.resolve("model");
        try (Backend backend = Backends.select("cpu");
             Sequential network = Sequential.on(backend, new Dense(3, ActivationFunction.TANH), new Dense(1)).seed(5)) {
            network.build(Shape.of(2));
            SavedModel.save(network, null, new Compilation("mse", List.of("mae"), List.of()), model);
        }
        input = Files.writeString(dir.resolve("in.csv"), "a,b\n0.5,1\n-1,2\n");
        labelled = Files.writeString(dir.resolve("labelled.csv"), "a,b,y\n0.5,1,0.3\n-1,2,0.1\n");
    }

    private CommandRun predict(String... more) {
        List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--input",
                input.toString(), "--backend", "cpu"));
        args.addAll(List.of(more));
        return CommandRun.of(args.toArray(String[]::new));
    }

    private CommandRun evaluate() {
        return CommandRun.of("evaluate", "--model", model.toString(), "--data", labelled.toString(), "--output",
                dir.resolve("metrics.json").toString(), "--backend", "cpu");
    }

    private static void assertDamaged(CommandRun run, String... parts) {
        assertEquals(ExitCodes.DAMAGED_MODEL, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        for (String part : parts) {
            assertTrue(run.firstErrorLine().contains(part), run.firstErrorLine());
        }
    }

    @Test
    void aModelWithoutItsManifestIsDamagedUnlessNoVerifyIsGiven() throws IOException {
        CommandRun intact = predict();
        assertEquals(ExitCodes.SUCCESS, intact.exitCode(), intact.err());

        Files.delete(model.resolve(Manifest.FILE_NAME));
        assertDamaged(predict(), "manifest.json");
        assertDamaged(evaluate(), "manifest.json");

        CommandRun unverified = predict("--no-verify");
        assertEquals(ExitCodes.SUCCESS, unverified.exitCode(), unverified.err());
        assertEquals(intact.out(), unverified.out());
    }

    @Test
    void anEmptyManifestDoesNotHideAChangedWeight() throws IOException {
        CommandRun intact = predict();
        Files.writeString(model.resolve(Manifest.FILE_NAME), EMPTY_MANIFEST);
        Path weights = model.resolve("weights.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 2] ^= 0x40;
        Files.write(weights, bytes);

        assertDamaged(predict(), "not listed in manifest.json");
        CommandRun unverified = predict("--no-verify");
        assertEquals(ExitCodes.SUCCESS, unverified.exitCode(), unverified.err());
        assertNotEquals(intact.out(), unverified.out(), "the changed weight changes the predictions");
    }

    @Test
    void anUnknownLossInModelJsonIsDamageNamingTheFileAndField() throws IOException {
        Path json = model.resolve("model.json");
        Files.writeString(json, Files.readString(json).replace("\"loss\" : \"mse\"", "\"loss\" : \"bogus\""));
        Manifest.of(model).write(model);

        assertDamaged(predict(), "model.json", "compilation.loss", "'bogus'");
        assertDamaged(evaluate(), "model.json", "compilation.loss", "'bogus'");
    }

    @Test
    void aCheckpointWhoseManifestListsNothingIsDamaged() throws IOException {
        Path checkpoints = dir.resolve("checkpoints");
        CommandRun first = CommandRun.of("train", "xor", "--backend", "cpu", "--epochs", "1", "--checkpoints",
                checkpoints.toString(), "--out", dir.resolve("run1").toString());
        assertEquals(ExitCodes.SUCCESS, first.exitCode(), first.err());
        Path checkpoint = checkpoints.resolve("ckpt-000000000001");
        Files.writeString(checkpoint.resolve(Manifest.FILE_NAME), EMPTY_MANIFEST);

        CommandRun resumed = CommandRun.of("train", "xor", "--backend", "cpu", "--epochs", "2", "--resume",
                checkpoint.toString(), "--out", dir.resolve("run2").toString());
        assertDamaged(resumed, "not listed in manifest.json");
    }
}
