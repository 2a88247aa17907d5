package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import dev.kiln.layer.AdditiveAttention;
import dev.kiln.layer.Attention;
import dev.kiln.layer.AttentionLayer;
import dev.kiln.layer.Bidirectional;
import dev.kiln.layer.Embedding;
import dev.kiln.layer.GRU;
import dev.kiln.layer.LSTM;
import dev.kiln.layer.Layer;
import dev.kiln.layer.RecurrentLayer;
import dev.kiln.layer.RepeatVector;
import dev.kiln.layer.SimpleRNN;
import dev.kiln.layer.TimeDistributed;
import java.util.List;

/**
 * The configuration of the sequence layers as JSON, with Keras's setting names: {@code {"type": "lstm", "units":
 * 128, "return_sequences": false, "return_state": false, "go_backwards": false, "use_bias": true,
 * "unit_forget_bias": true}} (a GRU has {@code "reset_after"} instead of {@code "unit_forget_bias"}),
 * {@code {"type": "embedding", "input_dim": 10, "output_dim": 8, "mask_zero": true}}; a wrapper
 * ({@code bidirectional} with its {@code merge_mode}, {@code time_distributed}) holds its layer's configuration
 * under {@code "layer"}; the attention layers keep {@code use_scale}, {@code use_causal_mask} and
 * {@code return_attention_scores}.
 */
final class SequenceLayerCodec {
    static final List<String> TYPES = List.of("embedding", "simple_rnn", "lstm", "gru", "bidirectional",
            "time_distributed", "repeat_vector", "attention", "additive_attention");

    private SequenceLayerCodec() {
    }

    /** Writes the configuration of a sequence layer into {@code node}; false for any other layer. */
    static boolean encode(Layer layer, ObjectNode node, LayerCodec.Encoder encoder) {
        if (layer instanceof Embedding embedding) {
            node.put("input_dim", embedding.inputDim()).put("output_dim", embedding.outputDim())
                    .put("mask_zero", embedding.masksZero());
            LayerCodec.putRegularizer(node, "embeddings_regularizer", embedding.embeddingsRegularizer(), layer);
        } else if (layer instanceof RecurrentLayer<?> rnn) {
            node.put("units", rnn.units()).put("return_sequences", rnn.returnsSequences())
                    .put("return_state", rnn.returnsState()).put("go_backwards", rnn.goesBackwards())
                    .put("use_bias", rnn.usesBias());
            if (rnn instanceof LSTM lstm) {
                node.put("unit_forget_bias", lstm.unitForgetBias());
            } else if (rnn instanceof GRU gru) {
                node.put("reset_after", gru.resetAfter());
            }
            LayerCodec.putRegularizer(node, "kernel_regularizer", rnn.kernelRegularizer(), layer);
            LayerCodec.putRegularizer(node, "recurrent_regularizer", rnn.recurrentRegularizer(), layer);
            LayerCodec.putRegularizer(node, "bias_regularizer", rnn.biasRegularizer(), layer);
        } else if (layer instanceof Bidirectional both) {
            node.put("merge_mode", both.mergeMode().key());
            node.set("layer", encoder.encode(both.forwardLayer()));
        } else if (layer instanceof TimeDistributed each) {
            node.set("layer", encoder.encode(each.layer()));
        } else if (layer instanceof RepeatVector repeat) {
            node.put("n", repeat.n());
        } else if (layer instanceof AttentionLayer<?> attention) {
            node.put("use_scale", attention.usesScale());
            node.put("use_causal_mask", attention.causal())
                    .put("return_attention_scores", attention.returnsAttentionScores());
        } else {
            return false;
        }
        return true;
    }

    /** The unbuilt sequence layer of {@code type} that {@code node} configures. */
    static Layer decode(String type, JsonNode node, String where, LayerCodec.Decoder decoder) {
        return switch (type) {
            case "embedding" -> new Embedding(Json.positiveInt(node, "input_dim", where),
                    Json.positiveInt(node, "output_dim", where)).maskZero(Json.bool(node, "mask_zero", where))
                    .embeddingsRegularizer(LayerCodec.regularizer(node, "embeddings_regularizer", where));
            case "simple_rnn", "lstm", "gru" -> recurrent(type, node, where);
            case "bidirectional" -> {
                Layer inner = decoder.decode(Json.field(node, "layer", where), where + ".layer");
                if (!(inner instanceof RecurrentLayer<?> rnn)) {
                    throw new KilnException(where + ".layer: Bidirectional wraps a recurrent layer (simple_rnn, lstm,"
                            + " gru), found '" + inner.typeKey() + "'");
                }
                yield new Bidirectional(rnn, Bidirectional.MergeMode.parse(Json.text(node, "merge_mode", where)));
            }
            case "time_distributed" -> new TimeDistributed(decoder.decode(Json.field(node, "layer", where),
                    where + ".layer"));
            case "repeat_vector" -> new RepeatVector(Json.positiveInt(node, "n", where));
            case "attention" -> new Attention().useScale(Json.bool(node, "use_scale", where))
                    .causal(Json.bool(node, "use_causal_mask", where))
                    .returnAttentionScores(Json.bool(node, "return_attention_scores", where));
            case "additive_attention" -> new AdditiveAttention().useScale(Json.bool(node, "use_scale", where))
                    .causal(Json.bool(node, "use_causal_mask", where))
                    .returnAttentionScores(Json.bool(node, "return_attention_scores", where));
            default -> throw new IllegalArgumentException("not a sequence layer: " + type);
        };
    }

    private static RecurrentLayer<?> recurrent(String type, JsonNode node, String where) {
        int units = Json.positiveInt(node, "units", where);
        RecurrentLayer<?> rnn = switch (type) {
            case "simple_rnn" -> new SimpleRNN(units);
            case "lstm" -> new LSTM(units).unitForgetBias(Json.bool(node, "unit_forget_bias", where));
            default -> new GRU(units).resetAfter(Json.bool(node, "reset_after", where));
        };
        return rnn.returnSequences(Json.bool(node, "return_sequences", where))
                .returnState(Json.bool(node, "return_state", where))
                .goBackwards(Json.bool(node, "go_backwards", where))
                .useBias(Json.bool(node, "use_bias", where))
                .kernelRegularizer(LayerCodec.regularizer(node, "kernel_regularizer", where))
                .recurrentRegularizer(LayerCodec.regularizer(node, "recurrent_regularizer", where))
                .biasRegularizer(LayerCodec.regularizer(node, "bias_regularizer", where));
    }
}
