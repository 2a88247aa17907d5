package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import dev.kiln.layer.Activation;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Add;
import dev.kiln.layer.Average;
import dev.kiln.layer.BatchNormalization;
import dev.kiln.layer.Concatenate;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Dropout;
import dev.kiln.layer.Flatten;
import dev.kiln.layer.Layer;
import dev.kiln.layer.LeakyReLU;
import dev.kiln.layer.Multiply;
import dev.kiln.layer.Subtract;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.regularizer.L1L2;
import dev.kiln.regularizer.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The configuration of each saveable layer type as JSON, through an explicit list of types (never
 * reflection): {@code {"type": "dense", "name": "dense_1", "trainable": true, "units": 4, ...}}. A model inside
 * another is a layer entry of type {@code sequential} (with its {@code layers}) or {@code model} (with its
 * {@code graph}, see {@link GraphCodec}).
 */
final class LayerCodec {
    /** The types every format version holds; the others need {@link ModelFormat#GRAPH_VERSION}. */
    static final Set<String> FIRST_TYPES = Set.of("dense", "activation", "flatten");
    static final List<String> TYPES = Stream.concat(Stream.of("dense", "activation", "flatten", "add", "subtract",
            "multiply", "average", "concatenate", "dropout", "batch_normalization", "leaky_re_lu", "sequential",
            "model"),
            Stream.concat(ImageLayerCodec.TYPES.stream(), SequenceLayerCodec.TYPES.stream())).toList();

    private LayerCodec() {
    }

    /** Encodes the layers of one saved model; each layer may belong to one graph only. */
    static final class Encoder {
        private final Set<Layer> seen = Collections.newSetFromMap(new IdentityHashMap<>());

        ObjectNode encode(Layer layer) {
            if (!seen.add(layer)) {
                throw new KilnException("layer '" + layer.name() + "' is used in two models of the saved one (a model"
                        + " inside it and another graph); a saved model holds each layer in one graph only");
            }
            ObjectNode node = JsonNodeFactory.instance.objectNode()
                    .put("type", layer.typeKey())
                    .put("name", layer.name())
                    .put("trainable", layer.trainable());
            if (layer instanceof Dense dense) {
                node.put("units", dense.units())
                        .put("activation", dense.activation().key())
                        .put("use_bias", dense.usesBias());
                putRegularizer(node, "kernel_regularizer", dense.kernelRegularizer(), layer);
                putRegularizer(node, "bias_regularizer", dense.biasRegularizer(), layer);
            } else if (layer instanceof Activation activation) {
                node.put("activation", activation.function().key());
            } else if (layer instanceof Concatenate concatenate) {
                node.put("axis", concatenate.axis());
            } else if (layer instanceof Dropout dropout) {
                node.put("rate", dropout.rate());
            } else if (layer instanceof LeakyReLU leaky) {
                node.put("negative_slope", leaky.negativeSlope());
            } else if (layer instanceof BatchNormalization bn) {
                node.put("momentum", bn.momentum())
                        .put("epsilon", bn.epsilon())
                        .put("center", bn.centers())
                        .put("scale", bn.scales());
            } else if (layer instanceof Sequential sequential) {
                ArrayNode layers = node.putArray("layers");
                for (Layer inner : sequential.layers()) {
                    layers.add(encode(inner));
                }
            } else if (layer.getClass() == Model.class) {
                node.set("graph", GraphCodec.encode((Model) layer, this));
            } else if (ImageLayerCodec.encode(layer, node) || SequenceLayerCodec.encode(layer, node, this)) {
                return node;
            } else if (!(layer instanceof Flatten || layer instanceof Add || layer instanceof Subtract
                    || layer instanceof Multiply || layer instanceof Average)) {
                throw new KilnException("layer '" + layer.name() + "' of type " + layer.type()
                        + " cannot be saved: saving supports Dense, Activation, Flatten, Add, Subtract, Multiply,"
                        + " Average, Concatenate, Dropout, BatchNormalization, LeakyReLU, Sequential, Model and the"
                        + " image layers (Conv2D, Conv2DTranspose, the pooling layers, UpSampling2D, ZeroPadding2D,"
                        + " Reshape) and the sequence layers (Embedding, SimpleRNN, LSTM, GRU, Bidirectional,"
                        + " TimeDistributed, RepeatVector)");
            }
            return node;
        }
    }

    /**
     * Decodes the layers of one {@code model.json} of format {@code version} into fresh, unbuilt layers. Trainable
     * flags are applied at the end, outer models first, so that freezing a model does not overwrite the flags of
     * the layers inside it.
     */
    static final class Decoder {
        private final int version;
        private final List<Map.Entry<Layer, Boolean>> trainable = new ArrayList<>();

        Decoder(int version) {
            this.version = version;
        }

        /** The unbuilt layer {@code node} describes; {@code where} names it in errors ("model.json: layers[2]"). */
        Layer decode(JsonNode node, String where) {
            if (!node.isObject()) {
                throw new KilnException(where + ": expected an object with a 'type', found " + node.getNodeType());
            }
            String type = Json.text(node, "type", where);
            if (TYPES.contains(type) && !FIRST_TYPES.contains(type) && version < ModelFormat.GRAPH_VERSION) {
                throw new KilnException(where + ": layer type '" + type + "' needs format_version "
                        + ModelFormat.GRAPH_VERSION + ", found " + version);
            }
            String name = Json.text(node, "name", where);
            boolean flag = Json.bool(node, "trainable", where);
            int slot = trainable.size();
            trainable.add(null);
            Layer layer = switch (type) {
                case "dense" -> new Dense(Json.positiveInt(node, "units", where), activation(node, where))
                        .useBias(Json.bool(node, "use_bias", where))
                        .kernelRegularizer(regularizer(node, "kernel_regularizer", where))
                        .biasRegularizer(regularizer(node, "bias_regularizer", where));
                case "activation" -> new Activation(activation(node, where));
                case "flatten" -> new Flatten();
                case "add" -> new Add();
                case "subtract" -> new Subtract();
                case "multiply" -> new Multiply();
                case "average" -> new Average();
                case "concatenate" -> new Concatenate(axis(node, where));
                case "dropout" -> configured(where, () -> new Dropout(Json.number(node, "rate", where)));
                case "batch_normalization" -> configured(where, () -> new BatchNormalization()
                        .momentum(Json.number(node, "momentum", where))
                        .epsilon(Json.number(node, "epsilon", where))
                        .center(Json.bool(node, "center", where))
                        .scale(Json.bool(node, "scale", where)));
                case "leaky_re_lu" -> new LeakyReLU(negativeSlope(node, where));
                case "sequential" -> sequential(node, where);
                case "model" -> GraphCodec.model(Json.field(node, "graph", where), where + ".graph", this);
                default -> {
                    if (SequenceLayerCodec.TYPES.contains(type)) {
                        yield configured(where, () -> SequenceLayerCodec.decode(type, node, where, this));
                    }
                    if (!ImageLayerCodec.TYPES.contains(type)) {
                        throw new KilnException(where + ": unknown layer type '" + type + "'; expected one of "
                                + TYPES);
                    }
                    yield configured(where, () -> ImageLayerCodec.decode(type, node, where));
                }
            };
            try {
                layer.named(name);
            } catch (KilnException e) {
                throw new KilnException(where + ": " + e.getMessage());
            }
            trainable.set(slot, Map.entry(layer, flag));
            return layer;
        }

        /** The layer {@code make} configures, its own validation errors prefixed by {@code where}. */
        private static Layer configured(String where, Supplier<Layer> make) {
            try {
                return make.get();
            } catch (KilnException e) {
                throw e.getMessage().startsWith(where) ? e : new KilnException(where + ": " + e.getMessage(), e);
            }
        }

        /** Sets every decoded layer's trainable flag, outer models before the layers inside them. */
        void applyTrainable() {
            for (Map.Entry<Layer, Boolean> e : trainable) {
                e.getKey().trainable(e.getValue());
            }
        }

        private Sequential sequential(JsonNode node, String where) {
            JsonNode layers = Json.field(node, "layers", where);
            if (!layers.isArray() || layers.isEmpty()) {
                throw new KilnException(where + ": 'layers' must be a non-empty array of layer configurations");
            }
            Sequential model = new Sequential();
            for (int i = 0; i < layers.size(); i++) {
                String at = where + ".layers[" + i + "]";
                Layer layer = decode(layers.get(i), at);
                try {
                    model.add(layer);
                } catch (KilnException e) {
                    throw new KilnException(at + ": " + e.getMessage());
                }
            }
            return model;
        }
    }

    private static int axis(JsonNode node, String where) {
        JsonNode value = Json.field(node, "axis", where);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new KilnException(where + ": 'axis' must be an integer, found " + Json.shortly(value));
        }
        return value.intValue();
    }

    private static double negativeSlope(JsonNode node, String where) {
        double slope = Json.number(node, "negative_slope", where);
        if (!(Double.isFinite(slope) && slope >= 0)) {
            throw new KilnException(where + ": 'negative_slope' must be a finite number >= 0, found " + slope);
        }
        return slope;
    }

    static void putRegularizer(ObjectNode node, String key, Regularizer regularizer, Layer layer) {
        if (regularizer == null) {
            return;
        }
        if (!(regularizer instanceof L1L2 r)) {
            throw new KilnException("layer '" + layer.name() + "': the " + key + " " + regularizer.getClass().getName()
                    + " cannot be saved: saving supports the L1/L2 regularizers of Regularizers");
        }
        node.putObject(key).put("l1", r.l1()).put("l2", r.l2());
    }

    /** The L1/L2 regularizer under {@code key}, or null when the key is absent (files without regularizers). */
    static Regularizer regularizer(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        String at = where + "." + key;
        if (!value.isObject()) {
            throw new KilnException(at + ": expected an object {\"l1\": ..., \"l2\": ...}");
        }
        try {
            return new L1L2(Json.number(value, "l1", at), Json.number(value, "l2", at));
        } catch (KilnException e) {
            throw new KilnException(at + ": " + e.getMessage(), e);
        }
    }

    static ActivationFunction activation(JsonNode node, String where) {
        String key = Json.text(node, "activation", where);
        return Arrays.stream(ActivationFunction.values())
                .filter(f -> f.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new KilnException(where + ": unknown activation '" + key + "'; expected one of "
                        + Arrays.stream(ActivationFunction.values()).map(ActivationFunction::key).toList()));
    }
}
