package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Add;
import dev.kiln.layer.AvgPool2D;
import dev.kiln.layer.BatchNormalization;
import dev.kiln.layer.Conv2D;
import dev.kiln.layer.Conv2DTranspose;
import dev.kiln.layer.Dense;
import dev.kiln.layer.GlobalAveragePooling2D;
import dev.kiln.layer.GlobalMaxPool2D;
import dev.kiln.layer.Input;
import dev.kiln.layer.MaxPool2D;
import dev.kiln.layer.Reshape;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.layer.UpSampling2D;
import dev.kiln.layer.ZeroPadding2D;
import dev.kiln.model.Model;
import dev.kiln.op.Padding2d;
import dev.kiln.regularizer.Regularizers;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small residual CNN using every image layer, saved in Keras's keys and loaded back predicting the same. */
class ImageLayersSaveTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** [6, 6] images: reshape, pad, conv stem, a residual block, pooling, an up-sampling branch, two heads. */
    private Model residualCnn(DType dtype) {
        SymbolicTensor image = Input.of("image", 6, 6);
        SymbolicTensor x = new Reshape(6, 6, 1).call(image);
        x = new ZeroPadding2D(1).call(x);
        x = new Conv2D(4, 3).activation(ActivationFunction.RELU).named("stem").call(x);
        SymbolicTensor y = new Conv2D(4, 3).padding(Padding2d.SAME).useBias(false).call(x);
        y = new BatchNormalization().call(y);
        y = new Conv2D(4, 1, 3).padding(Padding2d.of(0, 0, 1, 1)).dilation(1, 1)
                .kernelRegularizer(Regularizers.l2(1e-3)).call(y);
        x = new Add().call(x, y);
        SymbolicTensor pooled = new MaxPool2D(2).call(x);
        SymbolicTensor up = new Conv2DTranspose(2, 3).strides(2).padding(Padding2d.SAME).call(pooled);
        up = new UpSampling2D(1, 2).call(new AvgPool2D(3).strides(1).padding(Padding2d.SAME).call(up));
        SymbolicTensor first = new Dense(3, ActivationFunction.SOFTMAX).named("classes")
                .call(new GlobalAveragePooling2D().call(pooled));
        SymbolicTensor second = new Dense(1).named("score").call(new GlobalMaxPool2D().call(up));
        return Model.on(backend, List.of(image), List.of(first, second)).dtype(dtype).seed(5);
    }

    private List<double[]> predict(Model model) {
        double[] pixels = new double[2 * 36];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = Math.sin(i * 0.7);
        }
        try (MemoryScope ignored = MemoryScope.open()) {
            List<double[]> out = new ArrayList<>();
            for (Tensor t : model.predict(List.of(Tensor.of(backend, model.dtype(), Shape.of(2, 6, 6), pixels)))) {
                out.add(t.toDoubleArray());
            }
            return out;
        }
    }

    @Test
    void everyImageLayerSavesInKerasKeysAndLoadsBackPredictingTheSame() throws IOException {
        Path saved = dir.resolve("cnn");
        List<double[]> expected;
        String summary;
        try (Model model = residualCnn(DType.F64)) {
            model.build(List.of(Shape.of(6, 6)));
            expected = predict(model);
            summary = model.summary();
            SavedModel.save(model, saved);
        }
        assertTrue(summary.contains("add_1") && summary.contains("stem") && summary.contains("conv2d_1"), summary);

        JsonNode layers = JSON.readTree(saved.resolve("model.json").toFile()).get("graph").get("layers");
        List<String> types = new ArrayList<>();
        layers.forEach(layer -> types.add(layer.get("type").textValue()));
        assertEquals(List.of("reshape", "zero_padding2d", "conv2d", "conv2d", "batch_normalization", "conv2d", "add",
                "max_pool2d", "global_average_pooling2d", "dense", "conv2d_transpose", "avg_pool2d", "up_sampling2d",
                "global_max_pool2d", "dense"), types);
        JsonNode residual = layers.get(5);
        assertEquals("[1,3]", residual.get("kernel_size").toString());
        assertEquals("0,0,1,1", residual.get("padding").textValue());
        assertEquals("same", layers.get(3).get("padding").textValue());
        assertEquals("[2,2]", layers.get(10).get("strides").toString());
        assertEquals("[1,1,1,1]", layers.get(1).get("padding").toString());
        assertEquals("[6,6,1]", layers.get(0).get("target_shape").toString());

        for (DType dtype : new DType[] {DType.F64, DType.F32}) {
            try (LoadedModel loaded = SavedModel.load(saved, backend, dtype)) {
                List<double[]> predicted = predict(loaded.model());
                for (int o = 0; o < expected.size(); o++) {
                    assertArrayEquals(expected.get(o), predicted.get(o), dtype == DType.F64 ? 0 : 1e-5,
                            dtype + " output " + o);
                }
            }
        }
    }

    @Test
    void aBadImageLayerEntryIsNamed() throws IOException {
        Path saved = dir.resolve("cnn");
        try (Model model = residualCnn(DType.F32)) {
            model.build(List.of(Shape.of(6, 6)));
            SavedModel.save(model, saved);
        }
        Files.delete(saved.resolve(Manifest.FILE_NAME)); // edited by hand, as a user might
        Path json = saved.resolve("model.json");
        Files.writeString(json, Files.readString(json).replaceFirst("\"kernel_size\" : \\[ 3, 3 \\]",
                "\"kernel_size\" : [ 3 ]"));
        String message = assertThrows(KilnException.class, () -> SavedModel.loadUnverified(saved, backend, null))
                .getMessage();
        assertTrue(message.contains("kernel_size") && message.contains("2 integers"), message);
    }
}
