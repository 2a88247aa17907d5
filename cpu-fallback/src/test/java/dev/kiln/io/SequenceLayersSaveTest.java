package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.AdditiveAttention;
import dev.kiln.layer.Attention;
import dev.kiln.layer.Bidirectional;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Embedding;
import dev.kiln.layer.GRU;
import dev.kiln.layer.Input;
import dev.kiln.layer.LSTM;
import dev.kiln.layer.RepeatVector;
import dev.kiln.layer.SimpleRNN;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.layer.TimeDistributed;
import dev.kiln.model.Model;
import dev.kiln.regularizer.Regularizers;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sequence model using every sequence layer, saved with Keras's setting names and loaded back predicting the same. */
class SequenceLayersSaveTest {
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
     * Ids [6] -> embedding (masked) -> bidirectional LSTM -> per-step dense -> GRU (resetting before the product) with
     * state -> repeat -> RNN.
     */
    private Model sequenceModel() {
        SymbolicTensor ids = Input.of("ids", 6);
        SymbolicTensor x = new Embedding(9, 4).maskZero(true).call(ids);
        x = new Bidirectional(new LSTM(3).returnSequences(true).unitForgetBias(false), Bidirectional.MergeMode.SUM)
                .named("both").call(x);
        x = new TimeDistributed(new Dense(4, ActivationFunction.TANH)).call(x);
        List<SymbolicTensor> gru = new GRU(4).resetAfter(false).returnState(true).goBackwards(true)
                .kernelRegularizer(Regularizers.l2(1e-3)).callAll(List.of(x));
        SymbolicTensor repeated = new RepeatVector(2).call(gru.get(0));
        SymbolicTensor decoded = new SimpleRNN(4).returnSequences(true).call(repeated, gru.get(1));
        SymbolicTensor dot = new Attention().useScale(true).causal(true).call(decoded, decoded);
        List<SymbolicTensor> additive = new AdditiveAttention().returnAttentionScores(true)
                .callAll(List.of(decoded, x));
        return Model.on(backend, List.of(ids), List.of(dot, additive.get(0), additive.get(1))).dtype(DType.F64)
                .seed(3);
    }

    private double[] predict(Model model) {
        double[] ids = {1, 5, 8, 2, 0, 0, 3, 3, 3, 3, 3, 7};
        try (MemoryScope ignored = MemoryScope.open()) {
            return model.predict(List.of(Tensor.of(backend, model.dtype(), Shape.of(2, 6), ids))).stream()
                    .flatMapToDouble(t -> java.util.Arrays.stream(t.toDoubleArray())).toArray();
        }
    }

    @Test
    void everySequenceLayerSavesAndLoadsBackPredictingTheSame() throws IOException {
        Path saved = dir.resolve("rnn");
        double[] expected;
        try (Model model = sequenceModel()) {
            model.build(List.of(Shape.of(6)));
            expected = predict(model);
            SavedModel.save(model, saved);
        }
        JsonNode layers = JSON.readTree(saved.resolve("model.json").toFile()).get("graph").get("layers");
        List<String> types = new ArrayList<>();
        layers.forEach(layer -> types.add(layer.get("type").textValue()));
        assertEquals(List.of("embedding", "bidirectional", "time_distributed", "gru", "repeat_vector", "simple_rnn",
                "attention", "additive_attention"), types);
        assertTrue(layers.get(6).get("use_causal_mask").booleanValue());
        assertTrue(layers.get(7).get("return_attention_scores").booleanValue());
        assertEquals("sum", layers.get(1).get("merge_mode").textValue());
        assertEquals("lstm", layers.get(1).get("layer").get("type").textValue());
        assertTrue(layers.get(0).get("mask_zero").booleanValue());
        assertTrue(layers.get(3).get("go_backwards").booleanValue() && layers.get(3).get("return_state").booleanValue());
        assertFalse(layers.get(3).get("reset_after").booleanValue());
        try (LoadedModel loaded = SavedModel.load(saved, backend, DType.F64)) {
            assertEquals(List.of("embedding_1/embeddings", "both_forward/kernel", "both_forward/recurrent_kernel",
                    "both_forward/bias", "both_backward/kernel", "both_backward/recurrent_kernel",
                    "both_backward/bias", "time_distributed_1/kernel", "time_distributed_1/bias", "gru_1/kernel",
                    "gru_1/recurrent_kernel", "gru_1/bias", "simple_rnn_1/kernel", "simple_rnn_1/recurrent_kernel",
                    "simple_rnn_1/bias", "attention_1/scale", "additive_attention_1/scale"), List.copyOf(loaded.model().namedWeights().keySet()));
            assertArrayEquals(expected, predict(loaded.model()), 0);
        }
    }
}
