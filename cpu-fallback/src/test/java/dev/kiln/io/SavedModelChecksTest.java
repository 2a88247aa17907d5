package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What loading a saved model checks beyond the layers: the manifest covers every file, the compilation is known. */
class SavedModelChecksTest {
    @TempDir
    Path dir;
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private Path saved(Compilation compilation) {
        Path directory = dir.resolve("model");
        try (Sequential model = Sequential.on(backend, new Dense(2)).seed(1)) {
            model.build(Shape.of(3));
            SavedModel.save(model, null, compilation, directory);
        }
        return directory;
    }

    /** Replaces {@code from} by {@code to} in model.json and seals the directory again, as a careful editor would. */
    private static void edit(Path directory, String from, String to) throws IOException {
        Path file = directory.resolve(ModelFormat.MODEL_FILE);
        String json = Files.readString(file);
        assertTrue(json.contains(from), json);
        Files.writeString(file, json.replace(from, to));
        Manifest.of(directory).write(directory);
    }

    private void assertDamaged(Path directory, String... parts) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> SavedModel.load(directory, backend));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
        assertEquals(0, backend.liveBuffers(), "a failed load frees what it allocated");
    }

    @Test
    void anUnknownLossOrMetricInModelJsonIsDamageNamingTheField() throws IOException {
        Path directory = saved(new Compilation("mse", List.of("mae"), List.of()));
        edit(directory, "\"loss\" : \"mse\"", "\"loss\" : \"bogus\"");
        assertDamaged(directory, "model.json: compilation.loss: unknown loss 'bogus'");

        edit(directory, "\"loss\" : \"bogus\"", "\"loss\" : \"mse\"");
        edit(directory, "\"mae\"", "\"f1\"");
        assertDamaged(directory, "model.json: compilation.metrics[0]: unknown metric 'f1'");
    }

    @Test
    void aCompilationThatCannotBeLoadedBackIsNotSaved() {
        Loss own = new Loss() {
            @Override
            public String name() {
                return "huber";
            }

            @Override
            public Tensor compute(Tensor predictions, Tensor targets) {
                return Losses.mse().compute(predictions, targets);
            }
        };
        KilnException e = assertThrows(KilnException.class, () -> saved(Compilation.of(own, Metrics.mae())));
        assertTrue(e.getMessage().contains("unknown loss 'huber'"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("model").resolve(ModelFormat.MODEL_FILE)), "nothing is written");
    }

    @Test
    void aModelWithoutItsManifestIsDamagedUnlessLoadedUnverified() throws IOException {
        Path directory = saved(null);
        Files.delete(directory.resolve(Manifest.FILE_NAME));
        assertDamaged(directory, "manifest.json", "missing");
        try (LoadedModel loaded = SavedModel.loadUnverified(directory, backend, null)) {
            assertEquals(Shape.of(2), loaded.model().outputShape());
        }
    }

    @Test
    void aManifestThatLeavesAFileOutIsDamage() throws IOException {
        Path directory = saved(null);
        Files.writeString(directory.resolve(Manifest.FILE_NAME), "{\"format_version\":1,\"files\":{}}");
        assertDamaged(directory, "model.json", "not listed in manifest.json");

        Manifest.of(directory).write(directory);
        Files.writeString(directory.resolve("notes.txt"), "added after saving");
        assertDamaged(directory, "notes.txt", "not listed in manifest.json");
    }
}
