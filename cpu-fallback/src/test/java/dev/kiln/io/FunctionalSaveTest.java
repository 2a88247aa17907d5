package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Add;
import dev.kiln.layer.Average;
import dev.kiln.layer.Concatenate;
import dev.kiln.layer.Dense;
import dev.kiln.layer.ForwardContext;
import dev.kiln.layer.Input;
import dev.kiln.layer.Multiply;
import dev.kiln.layer.Subtract;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.op.Ops;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Functional models (several inputs and outputs, shared layers, nested models) saved and loaded back. */
class FunctionalSaveTest {
    static final double[] A = {0.5, -1, 2, 1, 0, -0.5, -2, 1.5, 0.25, 3, -1, 0.75};
    static final double[] B = {1, 0.5, -0.5, -1, 2, 0.25, 0.5, -1.5, 1, 0, 1, -2};
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

    /**
     * Inputs a and b [3]; a shared Dense called on both; a frozen nested Sequential; a nested functional model
     * called twice; every merge layer; outputs [1] and [1].
     */
    static Model twoInTwoOut(Backend backend, DType dtype) {
        SymbolicTensor a = Input.of("a", 3);
        SymbolicTensor b = Input.of("b", 3);
        Dense shared = new Dense(4, ActivationFunction.TANH).named("shared");
        SymbolicTensor sa = shared.call(a);
        SymbolicTensor sb = shared.call(b);
        Sequential encoder = new Sequential(new Dense(4, ActivationFunction.RELU), new Dense(2)).named("encoder")
                .trainable(false);
        SymbolicTensor encoded = encoder.call(new Add().call(sa, sb));
        SymbolicTensor first = new Dense(1).named("first").call(
                new Concatenate(-1).call(encoded, new Subtract().call(sa, sb)));
        SymbolicTensor h = Input.of("h", 4);
        Model head = new Model(h, new Dense(1).call(h)).named("head");
        SymbolicTensor second = new Add().call(head.call(new Multiply().call(sa, sb)),
                head.call(new Average().call(sa, sb)));
        return Model.on(backend, List.of(a, b), List.of(first, second)).dtype(dtype).seed(7);
    }

    static List<Tensor> inputs(Backend backend, DType dtype) {
        return List.of(Tensor.of(backend, dtype, Shape.of(4, 3), A), Tensor.of(backend, dtype, Shape.of(4, 3), B));
    }

    /** Trains on targets y1 = sum(a) - b0, y2 = a0 * b1 with a step of one's own (mean squared error of both). */
    static void train(Model model, Adam adam, int steps) {
        model.compile(Losses.mse(), adam);
        Loss mse = Losses.mse();
        double[] y1 = new double[4];
        double[] y2 = new double[4];
        for (int r = 0; r < 4; r++) {
            y1[r] = A[3 * r] + A[3 * r + 1] + A[3 * r + 2] - B[3 * r];
            y2[r] = A[3 * r] * B[3 * r + 1];
        }
        for (int s = 0; s < steps; s++) {
            try (MemoryScope ignored = MemoryScope.open()) {
                List<Tensor> out = model.forwardAll(inputs(model.backend(), model.dtype()),
                        ForwardContext.training(model.seed(), s));
                Tensor loss = Ops.add(
                        mse.compute(out.get(0), Tensor.of(model.backend(), model.dtype(), Shape.of(4, 1), y1)),
                        mse.compute(out.get(1), Tensor.of(model.backend(), model.dtype(), Shape.of(4, 1), y2)));
                List<Tensor> trainable = model.trainableParameters();
                Autograd.gradients(loss, trainable);
                adam.step(trainable);
            }
        }
    }

    /** The model's two outputs for {@link #A} and {@link #B}, downloaded. */
    static double[][] predict(Model model) {
        try (MemoryScope ignored = MemoryScope.open()) {
            return model.predict(inputs(model.backend(), model.dtype())).stream().map(Tensor::toDoubleArray)
                    .toArray(double[][]::new);
        }
    }

    private static Map<String, double[]> weights(Model model) {
        Map<String, double[]> out = new LinkedHashMap<>();
        model.namedWeights().forEach((name, w) -> out.put(name, w.toDoubleArray()));
        return out;
    }

    @Test
    void aTwoInputTwoOutputModelWithSharedAndNestedLayersLoadsBackAndPredictsTheSame() throws IOException {
        Path saved = dir.resolve("model");
        double[][] expected;
        Map<String, double[]> trainedWeights;
        long trainableCount;
        try (Model model = twoInTwoOut(backend, DType.F64)) {
            model.build(List.of(Shape.of(3), Shape.of(3)));
            Map<String, double[]> before = weights(model);
            train(model, new Adam(0.05), 15);
            trainedWeights = weights(model);
            assertArrayEquals(before.get("encoder/dense_1/kernel"), trainedWeights.get("encoder/dense_1/kernel"),
                    "the frozen encoder is not trained");
            assertFalse(java.util.Arrays.equals(before.get("shared/kernel"), trainedWeights.get("shared/kernel")));
            assertFalse(java.util.Arrays.equals(before.get("head/dense_1/kernel"),
                    trainedWeights.get("head/dense_1/kernel")));
            expected = predict(model);
            trainableCount = model.trainableParameterCount();
            SavedModel.save(model, saved);
        }

        JsonNode json = JSON.readTree(saved.resolve("model.json").toFile());
        assertEquals(3, json.get("format_version").intValue());
        assertEquals("functional", json.get("model_type").textValue());
        JsonNode graph = json.get("graph");
        assertEquals(List.of("a", "b"), names(graph.get("inputs")));
        assertEquals(List.of("shared", "add_1", "encoder", "subtract_1", "concatenate_1", "first", "multiply_1",
                "head", "average_1", "add_2"), names(graph.get("layers")));
        JsonNode shared = graph.get("layers").get(0);
        assertEquals("[[[\"a\",0,0]],[[\"b\",0,0]]]", shared.get("calls").toString(), "one entry, two calls");
        JsonNode head = graph.get("layers").get(7);
        assertEquals("[[[\"multiply_1\",0,0]],[[\"average_1\",0,0]]]", head.get("calls").toString());
        assertEquals("[[\"head\",0,0],[\"head\",1,0]]", graph.get("layers").get(9).get("calls").get(0).toString());
        assertEquals("model", head.get("type").textValue());
        assertEquals("sequential", graph.get("layers").get(2).get("type").textValue());
        assertFalse(graph.get("layers").get(2).get("trainable").booleanValue());
        assertEquals(-1, graph.get("layers").get(4).get("axis").intValue());
        assertEquals("[[\"first\",0,0],[\"add_2\",0,0]]", graph.get("outputs").toString());

        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            try (Backend other = Backends.select("cpu");
                 LoadedModel loaded = SavedModel.load(saved, other, dtype)) {
                Model model = loaded.model();
                assertEquals(trainedWeights.keySet(), weights(model).keySet());
                assertEquals(trainableCount, model.trainableParameterCount(), "the encoder stays frozen");
                assertFalse(((Sequential) model.layers().get(2)).trainable());
                double[][] predicted = predict(model);
                for (int o = 0; o < 2; o++) {
                    assertArrayEquals(expected[o], predicted[o], dtype == DType.F64 ? 0 : 1e-5, dtype + " output " + o);
                }
            }
        }
    }

    @Test
    void aSequentialStillWritesFormatVersion1AndOldFilesStillLoad() throws IOException {
        // a version-1 directory as an earlier Kiln wrote it: literal JSON and weights with known values
        Path old = Files.createDirectories(dir.resolve("old"));
        Files.writeString(old.resolve("model.json"), """
                {
                  "format" : "kiln-model",
                  "format_version" : 1,
                  "kiln_version" : "0.1.0",
                  "model_type" : "sequential",
                  "dtype" : "F32",
                  "input_shape" : [ 2 ],
                  "layers" : [ {
                    "type" : "dense", "name" : "dense_1", "trainable" : true,
                    "units" : 2, "activation" : "linear", "use_bias" : true
                  }, {
                    "type" : "activation", "name" : "activation_1", "trainable" : true, "activation" : "relu"
                  }, {
                    "type" : "dense", "name" : "dense_2", "trainable" : false,
                    "units" : 1, "activation" : "linear", "use_bias" : false
                  } ],
                  "compilation" : { "loss" : "binary_crossentropy", "metrics" : [ "accuracy" ] }
                }
                """);
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        tensors.put("dense_1/kernel", StoredTensor.ofFloats(Shape.of(2, 2), 1, -1, 2, 0.5f));
        tensors.put("dense_1/bias", StoredTensor.ofFloats(Shape.of(2), 0.5f, -3));
        tensors.put("dense_2/kernel", StoredTensor.ofFloats(Shape.of(2, 1), 2, -1));
        SafetensorsWriter.write(old.resolve("weights.safetensors"), tensors, Map.of("format", "kiln"));
        // sealed as every saved model has been since the first format
        Manifest.of(old).write(old);
        try (LoadedModel loaded = SavedModel.load(old, backend)) {
            assertTrue(loaded.model() instanceof Sequential);
            assertEquals("sequential", loaded.description().modelType());
            assertFalse(loaded.description().compilation().fromLogits(), "no from_logits: on probabilities");
            assertFalse(loaded.description().compilation().newLoss().fromLogits());
            // x = (1, 2): h = relu(1*1 + 2*2 + 0.5, 1*-1 + 2*0.5 - 3) = (5.5, 0); y = 2 * 5.5 = 11
            assertArrayEquals(new double[] {11}, loaded.predict(new double[][] {{1, 2}})[0], 1e-6);
            assertEquals(2, loaded.model().trainableParameters().size(), "dense_2 stays frozen");
            Path again = dir.resolve("again");
            SavedModel.save(loaded.model(), null, loaded.description().compilation(), again);
            String json = Files.readString(again.resolve("model.json"));
            assertTrue(json.contains("\"format_version\" : 1") && json.contains("\"input_shape\" : [ 2 ]")
                    && !json.contains("graph") && !json.contains("from_logits"), json);
        }
    }

    @Test
    void aLossOnLogitsIsRecordedAndNeedsVersion3() throws IOException {
        Path saved = dir.resolve("logits");
        try (Sequential model = Sequential.on(backend, new Dense(3))) {
            model.build(Shape.of(2));
            SavedModel.save(model, null, Compilation.of(Losses.categoricalCrossEntropy(true)), saved);
        }
        String json = Files.readString(saved.resolve("model.json"));
        assertTrue(json.contains("\"format_version\" : 3") && json.contains("\"from_logits\" : true")
                && json.contains("\"model_type\" : \"sequential\""), json);
        try (LoadedModel loaded = SavedModel.load(saved, backend)) {
            assertTrue(loaded.description().compilation().fromLogits());
            assertTrue(loaded.description().compilation().newLoss().fromLogits());
        }
        Files.delete(saved.resolve(Manifest.FILE_NAME));
        Files.writeString(saved.resolve("model.json"), json.replace("\"format_version\" : 3", "\"format_version\" : 2"));
        assertFails(saved, "model.json", "compilation.from_logits needs format_version 3, found 2");
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get("name").textValue()));
        return out;
    }

    @Test
    void damagedGraphsNameTheFieldAndAllocateNothing() throws IOException {
        Path saved = dir.resolve("model");
        try (Model model = twoInTwoOut(backend, DType.F32)) {
            model.build(List.of(Shape.of(3), Shape.of(3)));
            SavedModel.save(model, saved);
        }
        Files.delete(saved.resolve(Manifest.FILE_NAME));
        ObjectNode original = (ObjectNode) JSON.readTree(saved.resolve("model.json").toFile());
        try (LoadedModel intact = SavedModel.loadUnverified(saved, backend, null)) {
            assertEquals(2, intact.model().outputs().size());
        }

        damaged(saved, original, g -> layer(g, 2).put("type", "lambda"),
                "graph.layers[2]", "unknown layer type 'lambda'");
        damaged(saved, original, g -> calls(g, 0).set(0, JSON.readTree("[[\"nowhere\", 0, 0]]")),
                "graph.layers[0].calls[0][0]", "refers to 'nowhere', which is neither an input nor a layer");
        damaged(saved, original, g -> calls(g, 1).set(0, JSON.readTree("[[\"shared\", 2, 0], [\"shared\", 1, 0]]")),
                "graph.layers[1].calls[0][0]", "refers to call 2 of 'shared', which has 2 calls");
        damaged(saved, original, g -> calls(g, 1).set(0, JSON.readTree("[[\"shared\", 0, 1], [\"shared\", 1, 0]]")),
                "graph.layers[1].calls[0][0]", "refers to output 1 of 'shared', which gives 1 output");
        damaged(saved, original, g -> calls(g, 1).set(0, JSON.readTree("[[\"a\", 1, 0], [\"shared\", 1, 0]]")),
                "graph.layers[1].calls[0][0]", "an input is call 0, output 0");
        damaged(saved, original, g -> calls(g, 1).set(0, JSON.readTree("[\"shared\", 0]")),
                "graph.layers[1].calls[0][0]", "must be [name, call index, output index]");
        damaged(saved, original, g -> ((ArrayNode) g.get("outputs")).set(1, JSON.readTree("[\"gone\", 0, 0]")),
                "graph.outputs[1]", "refers to 'gone'");
        damaged(saved, original, g -> layer(g, 4).put("name", "shared"),
                "graph.layers[4]", "duplicate name 'shared'");
        damaged(saved, original, g -> layer(g, 1).put("name", "a"),
                "graph.layers[1]", "duplicate name 'a'");
        // shared's first call takes add_1, which is computed from shared's calls
        damaged(saved, original, g -> calls(g, 0).set(0, JSON.readTree("[[\"add_1\", 0, 0]]")),
                "graph.layers[0].calls[0]", "cycle");
        damaged(saved, original, g -> ((ArrayNode) g.get("outputs")).remove(1),
                "graph.layers[6].calls[0]", "leads to no output");
        damaged(saved, original, g -> layer(g, 0).put("units", 5),
                "graph.layers[7].calls[0]", "'head'", "[?, 5]");
        damaged(saved, original, g -> ((ObjectNode) layer(g, 7).get("graph").get("layers").get(0)).put("type", "conv3d"),
                "graph.layers[7].graph.layers[0]", "unknown layer type 'conv3d'");
        damaged(saved, original, g -> ((ArrayNode) g.get("inputs")).add(JSON.readTree("{\"name\": \"c\", \"shape\": [0]}")),
                "graph.inputs[2]", "shape[0] must be a positive integer");

        ObjectNode versionOne = original.deepCopy().put("format_version", 1);
        Files.writeString(saved.resolve("model.json"), versionOne.toPrettyString());
        assertFails(saved, "model.json", "model_type 'functional' needs format_version 3, found 1");
        ObjectNode noGraph = original.deepCopy();
        noGraph.remove("graph");
        Files.writeString(saved.resolve("model.json"), noGraph.toPrettyString());
        assertFails(saved, "model.json", "missing field 'graph'");
    }

    @Test
    void aMergeLayerInAVersion1FileIsRefused() throws IOException {
        Path saved = dir.resolve("seq");
        try (Sequential model = Sequential.on(backend, new Dense(2),
                new Sequential(new Dense(3)).named("inner"))) {
            model.build(Shape.of(2));
            SavedModel.save(model, saved);
        }
        String json = Files.readString(saved.resolve("model.json"));
        assertTrue(json.contains("\"format_version\" : 3") && json.contains("\"type\" : \"sequential\""), json);
        try (LoadedModel loaded = SavedModel.load(saved, backend)) {
            assertEquals(List.of("dense_1/kernel", "dense_1/bias", "inner/dense_1/kernel", "inner/dense_1/bias"),
                    List.copyOf(loaded.model().namedWeights().keySet()));
        }
        Files.delete(saved.resolve(Manifest.FILE_NAME));
        Files.writeString(saved.resolve("model.json"), json.replace("\"format_version\" : 3", "\"format_version\" : 1"));
        assertFails(saved, "model.json", "layers[1]", "layer type 'sequential' needs format_version 3, found 1");
    }

    @Test
    void aLayerInTwoGraphsOrAnInputNamedLikeALayerCannotBeSaved() {
        SymbolicTensor x = Input.of("x", 2);
        Dense both = new Dense(2).named("both");
        Model inner = new Model(x, both.call(x)).named("inner");
        SymbolicTensor y = Input.of("y", 2);
        try (Model outer = Model.on(backend, List.of(y), List.of(new Add().call(inner.call(y), both.call(y))))) {
            outer.build(Shape.of(2));
            Exception e = assertThrows(dev.kiln.KilnException.class, () -> SavedModel.save(outer, dir.resolve("m")));
            assertTrue(e.getMessage().contains("'both'") && e.getMessage().contains("one graph"), e.getMessage());
        }
        SymbolicTensor named = Input.of("dense_1", 2);
        try (Model clash = Model.on(backend, List.of(named), List.of(new Dense(1).named("dense_1").call(named)))) {
            clash.build(Shape.of(2));
            Exception e = assertThrows(dev.kiln.KilnException.class, () -> SavedModel.save(clash, dir.resolve("c")));
            assertTrue(e.getMessage().contains("both named 'dense_1'"), e.getMessage());
        }
    }

    private interface GraphEdit {
        void apply(ObjectNode graph) throws IOException;
    }

    private static ObjectNode layer(ObjectNode graph, int index) {
        return (ObjectNode) graph.get("layers").get(index);
    }

    private static ArrayNode calls(ObjectNode graph, int index) {
        return (ArrayNode) layer(graph, index).get("calls");
    }

    private void damaged(Path saved, ObjectNode original, GraphEdit edit, String... parts) throws IOException {
        ObjectNode copy = original.deepCopy();
        edit.apply((ObjectNode) copy.get("graph"));
        Files.writeString(saved.resolve("model.json"), copy.toPrettyString());
        assertFails(saved, parts);
        Files.writeString(saved.resolve("model.json"), original.toPrettyString());
    }

    /** Every damaged model.json here was edited by hand, without a manifest: loaded as {@code --no-verify} does. */
    private void assertFails(Path directory, String... parts) {
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> SavedModel.loadUnverified(directory, backend, null));
        assertTrue(e.getMessage().contains("model.json: "), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
        assertEquals(0, backend.liveBuffers(), "nothing is allocated for a damaged description");
    }
}
