package dev.kiln.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.io.LoadedModel;
import dev.kiln.io.Manifest;
import dev.kiln.io.SavedModel;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeakyReLUTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double[] X = {-2, -0.5, 0.25, 3, 1, -1};
    private static final double[][] ROWS = {{1, -2, 0.5}, {-1, 0.3, 2}, {0, 0, -3}};

    @TempDir
    Path dir;
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        assertEquals(0, backend.liveBuffers(), "every buffer is freed");
        backend.close();
    }

    @Test
    void forwardScalesNegativeInputsByTheSlope() {
        LeakyReLU layer = new LeakyReLU(0.2);
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor y = layer.forward(Tensor.of(backend, DType.F64, Shape.of(2, 3), X), ForwardContext.inference());
            assertEquals(Shape.of(2, 3), y.shape());
            assertArrayEquals(new double[] {-0.4, -0.1, 0.25, 3, 1, -0.2}, y.toDoubleArray(), 1e-12);
        }
        assertEquals(0, layer.parameterCount());
    }

    @Test
    void gradientIsOneForPositiveInputsAndTheSlopeForNegativeOnes() {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = Tensor.of(backend, DType.F64, Shape.of(2, 3), X).requiresGrad(true);
            Tensor y = new LeakyReLU(0.2).forward(x, ForwardContext.training(0, 0));
            Autograd.backward(y, Tensor.of(backend, DType.F64, Shape.of(2, 3), 1, 2, 3, 4, 5, 6));
            assertArrayEquals(new double[] {0.2, 0.4, 3, 4, 5, 1.2}, x.grad().toDoubleArray(), 1e-12);
        }
    }

    @Test
    void theDefaultSlopeIsThatOfKeras() {
        LeakyReLU layer = new LeakyReLU();
        assertEquals(0.3, layer.negativeSlope());
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor y = layer.forward(Tensor.of(backend, DType.F64, Shape.of(2, 3), X), ForwardContext.inference());
            assertArrayEquals(new double[] {-0.6, -0.15, 0.25, 3, 1, -0.3}, y.toDoubleArray(), 1e-12);
        }
    }

    @Test
    void aZeroSlopeIsARectifier() {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor y = new LeakyReLU(0).forward(Tensor.of(backend, DType.F64, Shape.of(2, 3), X),
                    ForwardContext.inference());
            assertArrayEquals(new double[] {0, 0, 0.25, 3, 1, 0}, y.toDoubleArray(), 0);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.2, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void aNegativeOrNonFiniteSlopeIsRejected(double slope) {
        String message = assertThrows(KilnException.class, () -> new LeakyReLU(slope)).getMessage();
        assertTrue(message.contains("negative slope") && message.contains(">= 0")
                && message.contains(String.valueOf(slope)), message);
    }

    @Test
    void theTimeStepMaskPassesOn() {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = Tensor.of(backend, DType.F64, Shape.of(1, 3, 2), X);
            x.withMask(Tensor.of(backend, DType.F64, Shape.of(1, 3), 1, 1, 0));
            Tensor mask = new LeakyReLU(0.2).forward(x, ForwardContext.inference()).mask();
            assertNotNull(mask);
            assertArrayEquals(new double[] {1, 1, 0}, mask.toDoubleArray());
        }
    }

    /** A small discriminator-like model with both a chosen and the default slope. */
    private Sequential discriminator() {
        return Sequential.on(backend, new Dense(4), new LeakyReLU(0.2).named("leaky"), new Dense(3), new LeakyReLU(),
                new Dense(1)).seed(7);
    }

    @Test
    void savesTheSlopeAndLoadsBackPredictingTheSame() throws IOException {
        Path saved = dir.resolve("discriminator");
        double[][] expected;
        try (Sequential model = discriminator()) {
            expected = model.predict(ROWS);
            SavedModel.save(model, saved);
        }
        JsonNode layers = JSON.readTree(saved.resolve("model.json").toFile()).get("layers");
        assertEquals("leaky_re_lu", layers.get(1).get("type").textValue());
        assertEquals(0.2, layers.get(1).get("negative_slope").doubleValue());
        assertEquals(0.3, layers.get(3).get("negative_slope").doubleValue());

        try (LoadedModel loaded = SavedModel.load(saved, backend)) {
            Sequential model = (Sequential) loaded.model();
            LeakyReLU chosen = (LeakyReLU) model.layers().get(1);
            assertEquals("leaky", chosen.name());
            assertEquals(0.2, chosen.negativeSlope());
            assertEquals(0.3, ((LeakyReLU) model.layers().get(3)).negativeSlope());
            double[][] predicted = loaded.predict(ROWS);
            for (int r = 0; r < ROWS.length; r++) {
                assertArrayEquals(expected[r], predicted[r], 0, "row " + r);
            }
        }
    }

    @Test
    void aBadSlopeInTheFileIsNamed() throws IOException {
        Path saved = dir.resolve("discriminator");
        try (Sequential model = discriminator()) {
            model.predict(ROWS);
            SavedModel.save(model, saved);
        }
        Files.delete(saved.resolve(Manifest.FILE_NAME)); // edited by hand, as a user might
        Path json = saved.resolve("model.json");
        JsonNode root = JSON.readTree(json.toFile());
        ((ObjectNode) root.get("layers").get(1)).put("negative_slope", -0.5);
        JSON.writeValue(json.toFile(), root);
        String message = assertThrows(KilnException.class, () -> SavedModel.loadUnverified(saved, backend, null))
                .getMessage();
        assertTrue(message.contains("layers[1]") && message.contains("'negative_slope'") && message.contains(">= 0")
                && message.contains("-0.5"), message);
    }
}
