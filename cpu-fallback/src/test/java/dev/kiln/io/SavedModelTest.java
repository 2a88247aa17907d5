package dev.kiln.io;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.layer.Activation;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Shape;
import dev.kiln.train.FitOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SavedModelTest {
    private static final double[][] X = {{0, 0, 1}, {0, 1, 0}, {1, 0, 0}, {1, 1, 1}, {0.5, 0.2, 0.9}, {3, 2, 1}};
    private static final double[][] Y = {{0}, {1}, {1}, {0}, {0.5}, {1}};

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

    private Sequential trained(DType dtype) {
        Sequential model = Sequential.on(backend, new Dense(5, ActivationFunction.TANH),
                new Activation(ActivationFunction.RELU), new Dense(1).useBias(false)).dtype(dtype).seed(3);
        model.compile(Losses.mse(), new Adam(0.05));
        model.fit(X, Y, FitOptions.builder().epochs(5).batchSize(4).log(false).build());
        return model;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void loadsBackOntoAnotherBackendAndDtype(DType dtype) {
        Standardization normalization = new Standardization(Standardization.Method.Z_SCORE, new double[] {1, 2, 3},
                new double[] {2, 4, 8});
        Path saved = dir.resolve("model");
        double[][] expected;
        try (Sequential model = trained(dtype)) {
            SavedModel.save(model, normalization, new Compilation("mse", List.of("mae"), List.of()), saved);
            double[][] scaled = {{(0.5 - 1) / 2, (1 - 2) / 4.0, (2 - 3) / 8.0}};
            expected = model.predict(scaled);
        }
        double[][] rows = {{0.5, 1, 2}};
        try (Backend other = Backends.select("cpu")) {
            try (LoadedModel same = SavedModel.load(saved, other)) {
                assertEquals(dtype, same.model().dtype());
                assertArrayEquals(expected[0], same.predict(rows)[0], "same dtype: identical predictions");
                assertArrayEquals(normalization.scale(), same.normalization().scale());
                assertEquals(new Compilation("mse", List.of("mae"), List.of()), same.description().compilation());
            }
            DType otherType = dtype == DType.F32 ? DType.F64 : DType.F32;
            try (LoadedModel converted = SavedModel.load(saved, other, otherType)) {
                assertEquals(otherType, converted.model().dtype());
                assertArrayEquals(expected[0], converted.predict(rows)[0], 1e-5);
            }
        }
    }

    @Test
    void writesReadableFiles() throws IOException {
        Path saved = dir.resolve("model");
        try (Sequential model = trained(DType.F32)) {
            SavedModel.save(model, saved);
        }
        String json = Files.readString(saved.resolve("model.json"));
        for (String part : List.of("\"format_version\" : 1", "\"kiln_version\"", "\"dtype\" : \"F32\"",
                "\"input_shape\" : [ 3 ]", "\"type\" : \"dense\"", "\"units\" : 5", "\"activation\" : \"tanh\"",
                "\"type\" : \"activation\"", "\"use_bias\" : false")) {
            assertTrue(json.contains(part), () -> "model.json lacks " + part + ":\n" + json);
        }
        try (SafetensorsReader reader = SafetensorsReader.open(saved.resolve("weights.safetensors"))) {
            reader.expectShapes(Map.of("dense_1/kernel", Shape.of(3, 5), "dense_1/bias", Shape.of(5),
                    "dense_2/kernel", Shape.of(5, 1)));
        }
        assertEquals(List.of("model.json", "weights.safetensors"), Manifest.verified(saved).names());
    }

    @Test
    void aDamagedDirectoryNamesTheFileAndTheProblem() throws IOException {
        Path saved = dir.resolve("model");
        try (Sequential model = trained(DType.F32)) {
            SavedModel.save(model, saved);
        }
        Path weights = saved.resolve("weights.safetensors");
        byte[] original = Files.readAllBytes(weights);

        Files.write(weights, Arrays.copyOf(original, original.length - 3));
        assertFails(saved, "weights.safetensors", "bytes, expected " + original.length);

        Files.delete(saved.resolve(Manifest.FILE_NAME));
        assertFailsByHand(saved, "weights.safetensors", "truncated");

        Files.delete(weights);
        assertFailsByHand(saved, "weights.safetensors", "not found");

        Files.write(weights, original);
        String json = Files.readString(saved.resolve("model.json"));
        Files.writeString(saved.resolve("model.json"), json.replace("\"units\" : 5", "\"units\" : 6"));
        assertFailsByHand(saved, "weights.safetensors", "'dense_1/kernel' has shape [3, 5], expected [3, 6]");

        Files.writeString(saved.resolve("model.json"),
                json.replace("\"type\" : \"activation\"", "\"type\" : \"lambda\""));
        assertFailsByHand(saved, "model.json", "layers[1]", "unknown layer type 'lambda'");

        Files.writeString(saved.resolve("model.json"), json.substring(0, json.length() / 2));
        assertFailsByHand(saved, "model.json", "not valid JSON");

        assertFails(dir.resolve("nothing"), "not a directory");
    }

    @Test
    void aTargetScalingIsReadBackAndNeedsFormatVersion2() throws IOException {
        Path saved = dir.resolve("model");
        Standardization target = new Standardization(Standardization.Method.Z_SCORE, new double[] {1000},
                new double[] {25});
        Compilation compilation = new Compilation("mse", List.of(), List.of()).withTarget(target);
        double[][] rows = {{0.5, 1, 2}};
        double expected;
        try (Sequential model = trained(DType.F32)) {
            SavedModel.save(model, null, compilation, saved);
            expected = model.predict(rows)[0][0] * 25 + 1000;
        }
        String json = Files.readString(saved.resolve("model.json"));
        assertTrue(json.contains("\"format_version\" : 2") && json.contains("\"target_scaling\""), json);
        try (LoadedModel loaded = SavedModel.load(saved, backend)) {
            assertEquals(compilation, loaded.description().compilation());
            assertEquals(expected, compilation.targetUnits(loaded.predict(rows))[0][0], 1e-9);
        }

        Files.writeString(saved.resolve("model.json"), json.replace("\"format_version\" : 2", "\"format_version\" : 1"));
        Files.delete(saved.resolve(Manifest.FILE_NAME));
        assertFailsByHand(saved, "model.json", "target_scaling needs format_version 2, found 1");
        Files.writeString(saved.resolve("model.json"), json.replace("\"format_version\" : 2", "\"format_version\" : 4"));
        assertFailsByHand(saved, "model.json", "format_version 4 is not supported");
        Files.writeString(saved.resolve("model.json"), json.replace("\"scale\" : [ 25.0 ]", "\"scale\" : [ \"x\" ]"));
        assertFailsByHand(saved, "model.json", "compilation.target_scaling", "'scale'[0] must be a number");
    }

    private void assertFails(Path directory, String... parts) {
        assertFails(() -> SavedModel.load(directory, backend), parts);
    }

    /** A model edited by hand has no valid manifest: it is loaded as {@code --no-verify} loads it. */
    private void assertFailsByHand(Path directory, String... parts) {
        assertFails(() -> SavedModel.loadUnverified(directory, backend, null), parts);
    }

    private void assertFails(Executable load, String... parts) {
        ModelFileException e = assertThrows(ModelFileException.class, load);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
        assertEquals(0, backend.liveBuffers(), "a failed load frees what it allocated");
    }
}
