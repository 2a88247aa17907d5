package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import dev.kiln.layer.Activation;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.regularizer.L1L2;
import dev.kiln.regularizer.Regularizer;
import dev.kiln.layer.Flatten;
import dev.kiln.layer.Layer;
import java.util.Arrays;

/**
 * The configuration of each saveable layer type as JSON, through an explicit list of types (never
 * reflection): {@code {"type": "dense", "name": "dense_1", "trainable": true, "units": 4, ...}}.
 */
final class LayerCodec {
    private LayerCodec() {
    }

    static ObjectNode encode(Layer layer) {
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
        } else if (!(layer instanceof Flatten)) {
            throw new KilnException("layer '" + layer.name() + "' of type " + layer.type()
                    + " cannot be saved: saving supports Dense, Activation and Flatten");
        }
        return node;
    }

    /** The unbuilt layer {@code node} describes; {@code where} names it in errors ("model.json: layers[2]"). */
    static Layer decode(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new KilnException(where + ": expected an object with a 'type', found " + node.getNodeType());
        }
        String type = Json.text(node, "type", where);
        Layer layer = switch (type) {
            case "dense" -> new Dense(Json.positiveInt(node, "units", where), activation(node, where))
                    .useBias(Json.bool(node, "use_bias", where))
                    .kernelRegularizer(regularizer(node, "kernel_regularizer", where))
                    .biasRegularizer(regularizer(node, "bias_regularizer", where));
            case "activation" -> new Activation(activation(node, where));
            case "flatten" -> new Flatten();
            default -> throw new KilnException(where + ": unknown layer type '" + type
                    + "'; expected dense, activation or flatten");
        };
        try {
            layer.named(Json.text(node, "name", where));
        } catch (KilnException e) {
            throw new KilnException(where + ": " + e.getMessage());
        }
        return layer.trainable(Json.bool(node, "trainable", where));
    }

    /** Writes {@code {"l1": a, "l2": b}} under {@code key} for an L1/L2 regularizer; nothing without one. */
    private static void putRegularizer(ObjectNode node, String key, Regularizer regularizer, Layer layer) {
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
    private static Regularizer regularizer(JsonNode node, String key, String where) {
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

    private static ActivationFunction activation(JsonNode node, String where) {
        String key = Json.text(node, "activation", where);
        return Arrays.stream(ActivationFunction.values())
                .filter(f -> f.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new KilnException(where + ": unknown activation '" + key + "'; expected one of "
                        + Arrays.stream(ActivationFunction.values()).map(ActivationFunction::key).toList()));
    }

}
