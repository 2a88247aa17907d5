package dev.kiln.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.KilnException;
import dev.kiln.layer.Input;
import dev.kiln.layer.Layer;
import dev.kiln.layer.LayerCall;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.model.Model;
import dev.kiln.tensor.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A functional model's graph as JSON, in the manner of Keras' functional config:
 * <pre>{@code
 * {"inputs":  [{"name": "a", "shape": [3]}, ...],
 *  "layers":  [{"type": "dense", "name": "dense_1", ..., "calls": [[["a", 0, 0]], [["b", 0, 0]]]}, ...],
 *  "outputs": [["add_1", 0, 0], ...]}
 * }</pre>
 * Each layer appears once with one entry per call, in the order the calls run; a call lists its inbound tensors
 * as {@code [layer or input name, call index, output index]} (an input is call 0, output 0).
 */
final class GraphCodec {
    private GraphCodec() {
    }

    /** The graph of {@code model}, its layers encoded by {@code encoder}. */
    static ObjectNode encode(Model model, LayerCodec.Encoder encoder) {
        ObjectNode graph = JsonNodeFactory.instance.objectNode();
        Map<String, String> names = new HashMap<>();
        ArrayNode inputs = graph.putArray("inputs");
        for (SymbolicTensor input : model.inputs()) {
            names.put(input.name(), "input");
            ArrayNode shape = inputs.addObject().put("name", input.name()).putArray("shape");
            for (int d : input.shape().dims()) {
                shape.add(d);
            }
        }
        Map<LayerCall, Integer> position = new IdentityHashMap<>();
        Map<Layer, Integer> counts = new IdentityHashMap<>();
        for (LayerCall call : model.calls()) {
            position.put(call, counts.merge(call.layer(), 1, Integer::sum) - 1);
        }
        Map<Layer, ArrayNode> callsOf = new IdentityHashMap<>();
        ArrayNode layers = graph.putArray("layers");
        for (Layer layer : model.layers()) {
            if (names.put(layer.name(), "layer") != null) {
                throw new KilnException("model '" + model.name() + "' cannot be saved: its input and its layer are"
                        + " both named '" + layer.name() + "'; name one of them differently");
            }
            ObjectNode entry = encoder.encode(layer);
            callsOf.put(layer, entry.putArray("calls"));
            layers.add(entry);
        }
        for (LayerCall call : model.calls()) {
            ArrayNode inbound = callsOf.get(call.layer()).addArray();
            for (SymbolicTensor t : call.inputs()) {
                inbound.add(reference(t, position));
            }
        }
        ArrayNode outputs = graph.putArray("outputs");
        for (SymbolicTensor t : model.outputs()) {
            outputs.add(reference(t, position));
        }
        return graph;
    }

    private static ArrayNode reference(SymbolicTensor t, Map<LayerCall, Integer> position) {
        ArrayNode ref = JsonNodeFactory.instance.arrayNode();
        if (t.isInput()) {
            return ref.add(t.name()).add(0).add(0);
        }
        return ref.add(t.producer().layer().name()).add(position.get(t.producer())).add(t.index());
    }

    /** The symbolic inputs and outputs of a decoded graph, and every call made while wiring it. */
    record Wired(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs, Map<LayerCall, String> calls) {

        /** Fails when the model made of this graph leaves out one of its calls: it leads to no output. */
        void checkEveryCallUsed(Model model) {
            Set<LayerCall> used = Collections.newSetFromMap(new IdentityHashMap<>());
            used.addAll(model.calls());
            calls.forEach((call, where) -> {
                if (!used.contains(call)) {
                    throw new KilnException(where + ": this call of '" + call.layer().name()
                            + "' leads to no output of the graph");
                }
            });
        }
    }

    /** A model inside another: the graph {@code node} describes, as an unbuilt model taking its outer model's backend. */
    static Model model(JsonNode node, String where, LayerCodec.Decoder decoder) {
        Wired wired = decode(node, where, decoder);
        Model model;
        try {
            model = new Model(wired.inputs(), wired.outputs());
        } catch (KilnException e) {
            throw new KilnException(where + ": " + e.getMessage());
        }
        wired.checkEveryCallUsed(model);
        return model;
    }

    /** A reference to a tensor: {@code [name, call, output]}, with where it was read. */
    private record Ref(String name, int call, int output, String where) {
        @Override
        public String toString() {
            return "'" + name + "'" + (call == 0 ? "" : " call " + call) + (output == 0 ? "" : " output " + output);
        }
    }

    /** Decodes and wires the graph {@code node}, layer calls made symbolically: shapes are checked, nothing allocated. */
    static Wired decode(JsonNode node, String where, LayerCodec.Decoder decoder) {
        if (!node.isObject()) {
            throw new KilnException(where + ": expected an object with 'inputs', 'layers' and 'outputs', found "
                    + Json.shortly(node));
        }
        Map<String, SymbolicTensor> inputs = new LinkedHashMap<>();
        JsonNode inputsNode = nonEmptyArray(node, "inputs", where, "input descriptions");
        for (int i = 0; i < inputsNode.size(); i++) {
            String at = where + ".inputs[" + i + "]";
            JsonNode in = inputsNode.get(i);
            if (!in.isObject()) {
                throw new KilnException(at + ": expected an object with 'name' and 'shape', found " + Json.shortly(in));
            }
            String name = Json.text(in, "name", at);
            Shape shape = Shape.of(dims(in, "shape", at));
            if (inputs.containsKey(name)) {
                throw new KilnException(at + ": duplicate name '" + name + "'; input and layer names must be unique");
            }
            try {
                inputs.put(name, Input.of(name, shape));
            } catch (KilnException e) {
                throw new KilnException(at + ": " + e.getMessage());
            }
        }

        JsonNode layersNode = Json.field(node, "layers", where);
        if (!layersNode.isArray()) {
            throw new KilnException(where + ": 'layers' must be an array of layer configurations");
        }
        List<Layer> layers = new ArrayList<>();
        List<List<List<Ref>>> calls = new ArrayList<>();
        Map<String, Integer> layerIndex = new HashMap<>();
        for (int i = 0; i < layersNode.size(); i++) {
            String at = where + ".layers[" + i + "]";
            Layer layer = decoder.decode(layersNode.get(i), at);
            if (inputs.containsKey(layer.name()) || layerIndex.containsKey(layer.name())) {
                throw new KilnException(at + ": duplicate name '" + layer.name()
                        + "'; input and layer names must be unique");
            }
            layerIndex.put(layer.name(), i);
            layers.add(layer);
            JsonNode callsNode = nonEmptyArray(layersNode.get(i), "calls", at, "calls");
            List<List<Ref>> own = new ArrayList<>();
            for (int c = 0; c < callsNode.size(); c++) {
                String callAt = at + ".calls[" + c + "]";
                JsonNode call = callsNode.get(c);
                if (!call.isArray() || call.isEmpty()) {
                    throw new KilnException(callAt + ": a call must be a non-empty array of inbound references"
                            + " [name, call index, output index], found " + Json.shortly(call));
                }
                List<Ref> refs = new ArrayList<>();
                for (int r = 0; r < call.size(); r++) {
                    refs.add(ref(call.get(r), callAt + "[" + r + "]"));
                }
                own.add(refs);
            }
            calls.add(own);
        }

        JsonNode outputsNode = nonEmptyArray(node, "outputs", where, "output references");
        List<Ref> outputRefs = new ArrayList<>();
        for (int i = 0; i < outputsNode.size(); i++) {
            outputRefs.add(ref(outputsNode.get(i), where + ".outputs[" + i + "]"));
        }

        // every reference names an input or an existing call before any layer is called
        List<Ref> all = new ArrayList<>(outputRefs);
        calls.forEach(own -> own.forEach(all::addAll));
        for (Ref ref : all) {
            Integer producer = layerIndex.get(ref.name());
            if (inputs.containsKey(ref.name())) {
                if (ref.call() != 0 || ref.output() != 0) {
                    throw new KilnException(ref.where() + ": refers to call " + ref.call() + ", output " + ref.output()
                            + " of input '" + ref.name() + "'; an input is call 0, output 0");
                }
            } else if (producer == null) {
                throw new KilnException(ref.where() + ": refers to '" + ref.name() + "', which is neither an input"
                        + " nor a layer of this graph");
            } else if (ref.call() >= calls.get(producer).size()) {
                int n = calls.get(producer).size();
                throw new KilnException(ref.where() + ": refers to call " + ref.call() + " of '" + ref.name()
                        + "', which has " + n + (n == 1 ? " call" : " calls"));
            }
        }

        // each layer's calls are made in their order, each once its inbound tensors exist
        List<List<List<SymbolicTensor>>> produced = new ArrayList<>();
        layers.forEach(l -> produced.add(new ArrayList<>()));
        Map<LayerCall, String> made = new LinkedHashMap<>();
        Resolver resolver = new Resolver(inputs, layerIndex, produced);
        boolean progress = true;
        while (progress) {
            progress = false;
            for (int i = 0; i < layers.size(); i++) {
                List<List<Ref>> own = calls.get(i);
                while (produced.get(i).size() < own.size()) {
                    int c = produced.get(i).size();
                    List<SymbolicTensor> in = resolver.all(own.get(c));
                    if (in == null) {
                        break;
                    }
                    String at = where + ".layers[" + i + "].calls[" + c + "]";
                    List<SymbolicTensor> out;
                    try {
                        out = layers.get(i).callAll(in);
                    } catch (KilnException e) {
                        throw new KilnException(at + ": " + e.getMessage());
                    }
                    made.put(out.get(0).producer(), at);
                    produced.get(i).add(out);
                    progress = true;
                }
            }
        }
        for (int i = 0; i < layers.size(); i++) {
            int c = produced.get(i).size();
            if (c < calls.get(i).size()) {
                Ref waiting = calls.get(i).get(c).stream().filter(r -> resolver.one(r) == null).findFirst().orElseThrow();
                throw new KilnException(where + ".layers[" + i + "].calls[" + c + "]: the graph has a cycle: this call"
                        + " of '" + layers.get(i).name() + "' needs " + waiting + ", which depends on it in turn");
            }
        }
        List<SymbolicTensor> outputs = new ArrayList<>();
        for (Ref ref : outputRefs) {
            outputs.add(resolver.one(ref));
        }
        return new Wired(List.copyOf(inputs.values()), outputs, made);
    }

    /** Looks up referenced tensors among the inputs and the calls made so far. */
    private record Resolver(Map<String, SymbolicTensor> inputs, Map<String, Integer> layerIndex,
                            List<List<List<SymbolicTensor>>> produced) {

        /** The tensors of {@code refs}, or null when one of them is not made yet. */
        List<SymbolicTensor> all(List<Ref> refs) {
            List<SymbolicTensor> out = new ArrayList<>();
            for (Ref ref : refs) {
                SymbolicTensor t = one(ref);
                if (t == null) {
                    return null;
                }
                out.add(t);
            }
            return out;
        }

        SymbolicTensor one(Ref ref) {
            SymbolicTensor input = inputs.get(ref.name());
            if (input != null) {
                return input;
            }
            List<List<SymbolicTensor>> calls = produced.get(layerIndex.get(ref.name()));
            if (ref.call() >= calls.size()) {
                return null;
            }
            List<SymbolicTensor> outputs = calls.get(ref.call());
            if (ref.output() >= outputs.size()) {
                throw new KilnException(ref.where() + ": refers to output " + ref.output() + " of '" + ref.name()
                        + "', which gives " + outputs.size() + (outputs.size() == 1 ? " output" : " outputs"));
            }
            return outputs.get(ref.output());
        }
    }

    private static Ref ref(JsonNode node, String where) {
        if (!node.isArray() || node.size() != 3 || !node.get(0).isTextual() || !index(node.get(1))
                || !index(node.get(2))) {
            throw new KilnException(where + ": a reference must be [name, call index, output index], found "
                    + Json.shortly(node));
        }
        return new Ref(node.get(0).textValue(), node.get(1).intValue(), node.get(2).intValue(), where);
    }

    private static boolean index(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToInt() && node.intValue() >= 0;
    }

    private static JsonNode nonEmptyArray(JsonNode node, String field, String where, String what) {
        JsonNode value = Json.field(node, field, where);
        if (!value.isArray() || value.isEmpty()) {
            throw new KilnException(where + ": '" + field + "' must be a non-empty array of " + what);
        }
        return value;
    }

    /** The per-sample dimensions in {@code node.field}: an array of positive integers. */
    static int[] dims(JsonNode node, String field, String where) {
        JsonNode shapeNode = Json.field(node, field, where);
        if (!shapeNode.isArray()) {
            throw new KilnException(where + ": '" + field + "' must be an array of dimensions");
        }
        int[] dims = new int[shapeNode.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() <= 0) {
                throw new KilnException(where + ": " + field + "[" + i + "] must be a positive integer, found "
                        + Json.shortly(d));
            }
            dims[i] = d.intValue();
        }
        return dims;
    }
}
