package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.layer.Layer;
import dev.kiln.loss.Reduction;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The content of {@code model.json}: format and Kiln versions, dtype, the architecture, the input normalization
 * when there is one, and how outputs are scored and read. The architecture of a {@link Sequential} model is its
 * per-sample {@code input_shape} and its {@code layers} in order; that of any other model is its {@code graph}
 * (see {@link GraphCodec}), with models inside it stored the same way, recursively. The file has the oldest
 * format version that holds what it records (see {@link ModelFormat}), so older readers still read what they can.
 *
 * @param dtype the dtype the model was trained in
 * @param architecture {@code model_type} and the fields that describe that type of model
 * @param normalization input scaling, or null
 * @param compilation the loss and metrics it was trained with, or null
 * @param kilnVersion the Kiln version that wrote the file
 */
public record ModelDescription(DType dtype, ObjectNode architecture, Standardization normalization,
                               Compilation compilation, String kilnVersion) {
    private static final String SOURCE = ModelFormat.MODEL_FILE;
    private static final long MAX_BYTES = 16 << 20;
    /** Deep enough for about twenty models nested in one another, shallow enough to bound the decoder's recursion. */
    private static final ObjectMapper JSON = StrictJson.mapper(64);
    private static final String SEQUENTIAL = "sequential";
    private static final String FUNCTIONAL = "functional";

    /** The description of a built model; its compilation must be one that {@link #read} rebuilds. */
    public static ModelDescription of(Model model, Standardization normalization, Compilation compilation) {
        if (compilation != null) {
            compilation.requireKnownNames("cannot save compilation");
        }
        LayerCodec.Encoder encoder = new LayerCodec.Encoder();
        ObjectNode architecture = JSON.createObjectNode();
        if (model instanceof Sequential) {
            architecture.put("model_type", SEQUENTIAL);
            ArrayNode shape = architecture.putArray("input_shape");
            for (int d : model.inputShape().dims()) {
                shape.add(d);
            }
            ArrayNode layers = architecture.putArray("layers");
            for (Layer layer : model.layers()) {
                layers.add(encoder.encode(layer));
            }
        } else if (model.getClass() == Model.class) {
            architecture.put("model_type", FUNCTIONAL)
                    .put("name", model.name())
                    .put("trainable", model.trainable())
                    .set("graph", GraphCodec.encode(model, encoder));
        } else {
            throw new KilnException("a model of class " + model.getClass().getName() + " cannot be saved; saving"
                    + " supports Sequential and Model");
        }
        return new ModelDescription(model.dtype(), architecture, normalization, compilation,
                ModelFormat.kilnVersion());
    }

    /** "sequential" or "functional". */
    public String modelType() {
        return architecture.get("model_type").textValue();
    }

    /** The per-sample shape of each input, in order. */
    public List<Shape> inputShapes() {
        if (modelType().equals(SEQUENTIAL)) {
            return List.of(Shape.of(GraphCodec.dims(architecture, "input_shape", SOURCE)));
        }
        List<Shape> shapes = new ArrayList<>();
        for (JsonNode input : architecture.get("graph").get("inputs")) {
            shapes.add(Shape.of(GraphCodec.dims(input, "shape", SOURCE)));
        }
        return shapes;
    }

    /**
     * The described model, unbuilt, on {@code backend} (null: a backend is selected when it is built). Its layers
     * are fresh and, for a functional model, already called on symbolic inputs: shapes are checked, nothing is
     * allocated.
     */
    public Model newModel(Backend backend) {
        return newModel(backend, formatVersion());
    }

    /** {@link #newModel(Backend)} for a file of format {@code version}, which bounds the layer types it may hold. */
    private Model newModel(Backend backend, int version) {
        LayerCodec.Decoder decoder = new LayerCodec.Decoder(version);
        Model model;
        if (modelType().equals(SEQUENTIAL)) {
            JsonNode layers = architecture.get("layers");
            List<Layer> decoded = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                decoded.add(decoder.decode(layers.get(i), SOURCE + ": layers[" + i + "]"));
            }
            Layer[] array = decoded.toArray(Layer[]::new);
            try {
                model = backend == null ? new Sequential(array) : Sequential.on(backend, array);
            } catch (KilnException e) {
                throw new KilnException(SOURCE + ": layers: " + e.getMessage());
            }
        } else {
            String where = SOURCE + ": graph";
            GraphCodec.Wired wired = GraphCodec.decode(architecture.get("graph"), where, decoder);
            try {
                model = backend == null ? new Model(wired.inputs(), wired.outputs())
                        : Model.on(backend, wired.inputs(), wired.outputs());
                model.named(architecture.get("name").textValue()).trainable(architecture.get("trainable").booleanValue());
            } catch (KilnException e) {
                throw new KilnException(where + ": " + e.getMessage());
            }
            wired.checkEveryCallUsed(model);
        }
        decoder.applyTrainable();
        return model;
    }

    /**
     * Where this description differs from {@code other} as a model ("graph.layers[1].units: 6 here, 7 there"), or
     * null when both describe the same layers, calls and shapes; the top model's name is left out.
     */
    public String architectureDifference(ModelDescription other) {
        ObjectNode mine = architecture.deepCopy();
        ObjectNode theirs = other.architecture.deepCopy();
        mine.remove("name");
        theirs.remove("name");
        return difference(mine, theirs, "");
    }

    private static String difference(JsonNode a, JsonNode b, String path) {
        if (a.equals(b)) {
            return null;
        }
        if (a.isObject() && b.isObject()) {
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                String at = path.isEmpty() ? name : path + "." + name;
                if (!b.has(name)) {
                    return at + ": " + Json.shortly(a.get(name)) + " here, absent there";
                }
                String d = difference(a.get(name), b.get(name), at);
                if (d != null) {
                    return d;
                }
            }
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!a.has(name)) {
                    return (path.isEmpty() ? name : path + "." + name) + ": absent here, " + Json.shortly(b.get(name))
                            + " there";
                }
            }
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                String d = difference(a.get(i), b.get(i), path + "[" + i + "]");
                if (d != null) {
                    return d;
                }
            }
        }
        return (path.isEmpty() ? "the model" : path) + ": " + Json.shortly(a) + " here, " + Json.shortly(b) + " there";
    }

    /** The JSON text, as written to {@code model.json}. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode()
                .put("format", "kiln-model")
                .put("format_version", formatVersion())
                .put("kiln_version", kilnVersion)
                .put("model_type", modelType())
                .put("dtype", dtype.name());
        architecture.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("model_type")) {
                root.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        if (normalization != null) {
            writeScaling(root.putObject("normalization"), normalization);
        }
        if (compilation != null) {
            ObjectNode c = root.putObject("compilation").put("loss", compilation.loss());
            if (compilation.fromLogits()) {
                c.put("from_logits", true);
            }
            if (compilation.reduction() != Reduction.MEAN) {
                c.put("reduction", compilation.reduction().name().toLowerCase(Locale.ROOT));
            }
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
    int formatVersion() {
        if (graphVersionReason() != null) {
            return ModelFormat.GRAPH_VERSION;
        }
        return compilation != null && compilation.target() != null ? ModelFormat.TARGET_SCALING_VERSION
                : ModelFormat.FORMAT_VERSION;
    }

    /** The field that needs format version 3, or null. */
    private String graphVersionReason() {
        if (!modelType().equals(SEQUENTIAL)) {
            return "model_type '" + modelType() + "'";
        }
        if (compilation != null && compilation.fromLogits()) {
            return "compilation.from_logits";
        }
        if (compilation != null && compilation.reduction() != Reduction.MEAN) {
            return "compilation.reduction";
        }
        for (JsonNode layer : architecture.get("layers")) {
            String type = layer.path("type").asText();
            if (!LayerCodec.FIRST_TYPES.contains(type)) {
                return "layer type '" + type + "'";
            }
        }
        return null;
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
        if (version < ModelFormat.FORMAT_VERSION || version > ModelFormat.GRAPH_VERSION) {
            throw new KilnException(SOURCE + ": format_version " + version + " is not supported; this Kiln reads "
                    + ModelFormat.FORMAT_VERSION + " to " + ModelFormat.GRAPH_VERSION);
        }
        String type = Json.text(root, "model_type", SOURCE);
        String dtypeName = Json.text(root, "dtype", SOURCE);
        DType dtype = SafetensorsFormat.dtype(dtypeName)
                .orElseThrow(() -> new KilnException(SOURCE + ": dtype '" + dtypeName
                        + "' is unknown; expected F32 or F64"));
        ObjectNode architecture = JSON.createObjectNode().put("model_type", type);
        if (type.equals(SEQUENTIAL)) {
            GraphCodec.dims(root, "input_shape", SOURCE);
            JsonNode layers = Json.field(root, "layers", SOURCE);
            if (!layers.isArray() || layers.isEmpty()) {
                throw new KilnException(SOURCE + ": 'layers' must be a non-empty array of layer configurations");
            }
            architecture.set("input_shape", root.get("input_shape"));
            architecture.set("layers", layers);
        } else if (type.equals(FUNCTIONAL)) {
            if (version < ModelFormat.GRAPH_VERSION) {
                throw new KilnException(SOURCE + ": model_type 'functional' needs format_version "
                        + ModelFormat.GRAPH_VERSION + ", found " + version);
            }
            architecture.put("name", Json.text(root, "name", SOURCE));
            architecture.put("trainable", Json.bool(root, "trainable", SOURCE));
            JsonNode graph = Json.field(root, "graph", SOURCE);
            if (!graph.isObject()) {
                throw new KilnException(SOURCE + ": 'graph' must be an object with 'inputs', 'layers' and 'outputs'");
            }
            architecture.set("graph", graph);
        } else {
            throw new KilnException(SOURCE + ": model_type '" + type + "' is not supported; expected sequential or"
                    + " functional");
        }
        JsonNode n = root.get("normalization");
        Standardization normalization = n == null || n.isNull() ? null : scaling(n, SOURCE + ": normalization");
        Compilation compilation = compilation(root.get("compilation"));
        if (compilation != null && compilation.target() != null && version < ModelFormat.TARGET_SCALING_VERSION) {
            throw new KilnException(SOURCE + ": compilation.target_scaling needs format_version "
                    + ModelFormat.TARGET_SCALING_VERSION + ", found " + version);
        }
        ModelDescription description = new ModelDescription(dtype, architecture, normalization, compilation,
                Json.text(root, "kiln_version", SOURCE));
        String needsGraphVersion = description.graphVersionReason();
        if (needsGraphVersion != null && version < ModelFormat.GRAPH_VERSION
                && !needsGraphVersion.startsWith("layer type")) {
            throw new KilnException(SOURCE + ": " + needsGraphVersion + " needs format_version "
                    + ModelFormat.GRAPH_VERSION + ", found " + version);
        }
        // decoding checks every layer, reference and shape; the version travels with the layer types it allows
        description.newModel(null, version);
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
        JsonNode fromLogits = node.get("from_logits");
        JsonNode reduction = node.get("reduction");
        Compilation compilation = new Compilation(Json.text(node, "loss", where), names(node, "metrics", where),
                classes, target == null || target.isNull() ? null : scaling(target, where + ".target_scaling"),
                fromLogits != null && Json.bool(node, "from_logits", where),
                reduction == null ? Reduction.MEAN : reduction(Json.text(node, "reduction", where), where));
        compilation.requireKnownNames(where);
        return compilation;
    }

    private static Reduction reduction(String name, String where) {
        for (Reduction r : Reduction.values()) {
            if (r.name().toLowerCase(Locale.ROOT).equals(name)) {
                return r;
            }
        }
        throw new KilnException(where + ": unknown reduction '" + name + "'; expected mean or sum");
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
