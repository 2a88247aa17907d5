package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.layer.Layer;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The content of {@code model.json}: format and Kiln versions, dtype, per-sample input shape, the layers'
 * types and configurations in order, the input normalization when there is one, and how outputs are scored and
 * read (format version 2 adds the target scaling of {@link Compilation#target()}; files without one stay version 1).
 *
 * @param dtype the dtype the model was trained in
 * @param inputShape per-sample input shape (no batch axis)
 * @param layers the layer configurations, in order
 * @param normalization input scaling, or null
 * @param compilation the loss and metrics it was trained with, or null
 * @param kilnVersion the Kiln version that wrote the file
 */
public record ModelDescription(DType dtype, Shape inputShape, ArrayNode layers, Standardization normalization,
                               Compilation compilation, String kilnVersion) {
    private static final String SOURCE = ModelFormat.MODEL_FILE;
    private static final long MAX_BYTES = 16 << 20;
    // root -> layers -> layer -> one level of nested values
    private static final ObjectMapper JSON = StrictJson.mapper(4);

    /** The description of a built model. */
    public static ModelDescription of(Model model, Standardization normalization, Compilation compilation) {
        if (!(model instanceof Sequential)) {
            throw new KilnException("only Sequential models can be saved, got " + model.getClass().getSimpleName());
        }
        ArrayNode layers = JSON.createArrayNode();
        for (Layer layer : model.layers()) {
            layers.add(LayerCodec.encode(layer));
        }
        return new ModelDescription(model.dtype(), model.inputShape(), layers, normalization, compilation,
                ModelFormat.kilnVersion());
    }

    /** Fresh, unbuilt layers as described. */
    public List<Layer> newLayers() {
        List<Layer> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            out.add(LayerCodec.decode(layers.get(i), SOURCE + ": layers[" + i + "]"));
        }
        return out;
    }

    /** The JSON text, as written to {@code model.json}. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode()
                .put("format", "kiln-model")
                .put("format_version", formatVersion())
                .put("kiln_version", kilnVersion)
                .put("model_type", "sequential")
                .put("dtype", dtype.name());
        ArrayNode shape = root.putArray("input_shape");
        for (int d : inputShape.dims()) {
            shape.add(d);
        }
        root.set("layers", layers.deepCopy());
        if (normalization != null) {
            writeScaling(root.putObject("normalization"), normalization);
        }
        if (compilation != null) {
            ObjectNode c = root.putObject("compilation").put("loss", compilation.loss());
            compilation.metrics().forEach(c.putArray("metrics")::add);
            if (!compilation.classes().isEmpty()) {
                compilation.classes().forEach(c.putArray("classes")::add);
            }
            if (compilation.target() != null) {
                writeScaling(c.putObject("target_scaling"), compilation.target());
            }
        }
        return (root.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The oldest format version that holds everything this description records, so older readers read it. */
    private int formatVersion() {
        return compilation != null && compilation.target() != null ? ModelFormat.TARGET_SCALING_VERSION
                : ModelFormat.FORMAT_VERSION;
    }

    private static void writeScaling(ObjectNode node, Standardization scaling) {
        node.put("method", scaling.method().name().toLowerCase(Locale.ROOT));
        ArrayNode shift = node.putArray("shift");
        ArrayNode scale = node.putArray("scale");
        for (int c = 0; c < scaling.columns(); c++) {
            shift.add(scaling.shift()[c]);
            scale.add(scaling.scale()[c]);
        }
    }

    /** Reads and validates {@code directory/model.json}. */
    public static ModelDescription read(Path directory) {
        Path file = directory.resolve(SOURCE);
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new KilnException(SOURCE + ": larger than " + MAX_BYTES + " bytes; not a Kiln model description");
            }
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new KilnException(SOURCE + ": missing from " + directory + "; is it a saved Kiln model?");
        } catch (IOException e) {
            throw new KilnException(SOURCE + ": cannot read: " + e, e);
        }
        return parse(StrictJson.parseObject(JSON, text, SOURCE));
    }

    private static ModelDescription parse(JsonNode root) {
        String format = Json.text(root, "format", SOURCE);
        if (!format.equals("kiln-model")) {
            throw new KilnException(SOURCE + ": 'format' must be \"kiln-model\", found \"" + format + "\"");
        }
        int version = Json.nonNegativeInt(root, "format_version", SOURCE);
        if (version < ModelFormat.FORMAT_VERSION || version > ModelFormat.TARGET_SCALING_VERSION) {
            throw new KilnException(SOURCE + ": format_version " + version + " is not supported; this Kiln reads "
                    + ModelFormat.FORMAT_VERSION + " to " + ModelFormat.TARGET_SCALING_VERSION);
        }
        String type = Json.text(root, "model_type", SOURCE);
        if (!type.equals("sequential")) {
            throw new KilnException(SOURCE + ": model_type '" + type + "' is not supported; expected sequential");
        }
        String dtypeName = Json.text(root, "dtype", SOURCE);
        DType dtype = SafetensorsFormat.dtype(dtypeName)
                .orElseThrow(() -> new KilnException(SOURCE + ": dtype '" + dtypeName
                        + "' is unknown; expected F32 or F64"));
        JsonNode shapeNode = Json.field(root, "input_shape", SOURCE);
        if (!shapeNode.isArray()) {
            throw new KilnException(SOURCE + ": 'input_shape' must be an array of dimensions");
        }
        int[] dims = new int[shapeNode.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() <= 0) {
                throw new KilnException(SOURCE + ": input_shape[" + i + "] must be a positive integer, found "
                        + Json.shortly(d));
            }
            dims[i] = d.intValue();
        }
        JsonNode layers = Json.field(root, "layers", SOURCE);
        if (!layers.isArray() || layers.isEmpty()) {
            throw new KilnException(SOURCE + ": 'layers' must be a non-empty array of layer configurations");
        }
        JsonNode n = root.get("normalization");
        Standardization normalization = n == null || n.isNull() ? null : scaling(n, SOURCE + ": normalization");
        Compilation compilation = compilation(root.get("compilation"));
        if (compilation != null && compilation.target() != null && version < ModelFormat.TARGET_SCALING_VERSION) {
            throw new KilnException(SOURCE + ": compilation.target_scaling needs format_version "
                    + ModelFormat.TARGET_SCALING_VERSION + ", found " + version);
        }
        ModelDescription description = new ModelDescription(dtype, Shape.of(dims), (ArrayNode) layers, normalization,
                compilation, Json.text(root, "kiln_version", SOURCE));
        description.newLayers();
        return description;
    }

    private static Standardization scaling(JsonNode node, String where) {
        try {
            return new Standardization(method(Json.text(node, "method", where), where),
                    Json.numbers(node, "shift", where), Json.numbers(node, "scale", where));
        } catch (KilnException e) {
            throw e.getMessage().startsWith(SOURCE) ? e : new KilnException(where + ": " + e.getMessage());
        }
    }

    private static Standardization.Method method(String name, String where) {
        for (Standardization.Method m : Standardization.Method.values()) {
            if (m.name().toLowerCase(Locale.ROOT).equals(name)) {
                return m;
            }
        }
        throw new KilnException(where + ": unknown method '" + name + "'; expected z_score or min_max");
    }

    private static Compilation compilation(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String where = SOURCE + ": compilation";
        List<String> classes = node.has("classes") ? names(node, "classes", where) : List.of();
        JsonNode target = node.get("target_scaling");
        return new Compilation(Json.text(node, "loss", where), names(node, "metrics", where), classes,
                target == null || target.isNull() ? null : scaling(target, where + ".target_scaling"));
    }

    private static List<String> names(JsonNode node, String field, String where) {
        JsonNode array = Json.field(node, field, where);
        if (!array.isArray()) {
            throw new KilnException(where + ": '" + field + "' must be an array of names");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode n : array) {
            if (!n.isTextual()) {
                throw new KilnException(where + ": '" + field + "' must hold names, found " + Json.shortly(n));
            }
            names.add(n.textValue());
        }
        return names;
    }

}
