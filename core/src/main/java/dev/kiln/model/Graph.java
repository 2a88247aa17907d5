package dev.kiln.model;

import dev.kiln.KilnException;
import dev.kiln.layer.Layer;
import dev.kiln.layer.LayerCall;
import dev.kiln.layer.SymbolicTensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layer calls between a model's inputs and outputs, in an order where every call comes after the calls
 * producing its inputs, and the distinct layers in order of first call.
 *
 * @param inputs the model's symbolic inputs
 * @param outputs the model's symbolic outputs
 * @param calls every call the outputs depend on, in dependency order
 * @param layers the distinct layers of those calls, in order of first call
 */
record Graph(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs, List<LayerCall> calls, List<Layer> layers) {

    /** The graph from {@code inputs} to {@code outputs}; fails when an output needs a tensor that is not an input. */
    static Graph of(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        if (inputs.isEmpty() || outputs.isEmpty()) {
            throw new KilnException("a model needs at least one input and one output, got " + inputs.size()
                    + " inputs and " + outputs.size() + " outputs");
        }
        Set<SymbolicTensor> given = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<String> inputNames = new HashSet<>();
        for (SymbolicTensor input : inputs) {
            if (!input.isInput()) {
                throw new KilnException("model inputs must come from Input.of(...), but '" + input.name()
                        + "' is the output of a layer");
            }
            if (!given.add(input) || !inputNames.add(input.name())) {
                throw new KilnException("model input '" + input.name() + "' is given twice; input names must be unique");
            }
        }
        List<LayerCall> order = dependencyOrder(outputs, given);
        Set<SymbolicTensor> used = Collections.newSetFromMap(new IdentityHashMap<>());
        used.addAll(outputs);
        order.forEach(call -> used.addAll(call.inputs()));
        for (SymbolicTensor input : inputs) {
            if (!used.contains(input)) {
                throw new KilnException("model input '" + input.name() + "' is not connected to any output");
            }
        }
        List<Layer> layers = new ArrayList<>();
        Set<Layer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (LayerCall call : order) {
            if (seen.add(call.layer())) {
                layers.add(call.layer());
            }
        }
        return new Graph(List.copyOf(inputs), List.copyOf(outputs), List.copyOf(order), List.copyOf(layers));
    }

    /** Post-order of the calls reachable from {@code outputs}, iteratively (deep graphs must not overflow the stack). */
    private static List<LayerCall> dependencyOrder(List<SymbolicTensor> outputs, Set<SymbolicTensor> inputs) {
        List<LayerCall> order = new ArrayList<>();
        Map<LayerCall, Boolean> done = new IdentityHashMap<>();
        Set<LayerCall> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<LayerCall> stack = new ArrayDeque<>();
        Deque<Integer> next = new ArrayDeque<>();
        for (SymbolicTensor output : outputs) {
            LayerCall root = producerOf(output, inputs);
            if (root == null || done.containsKey(root)) {
                continue;
            }
            stack.push(root);
            next.push(0);
            onPath.add(root);
            while (!stack.isEmpty()) {
                LayerCall call = stack.peek();
                int i = next.pop();
                if (i < call.inputs().size()) {
                    next.push(i + 1);
                    LayerCall producer = producerOf(call.inputs().get(i), inputs);
                    if (producer != null && !done.containsKey(producer)) {
                        if (!onPath.add(producer)) {
                            throw new KilnException("the graph has a cycle through layer '" + producer.layer().name() + "'");
                        }
                        stack.push(producer);
                        next.push(0);
                    }
                } else {
                    stack.pop();
                    onPath.remove(call);
                    done.put(call, Boolean.TRUE);
                    order.add(call);
                }
            }
        }
        return order;
    }

    /** The call producing {@code tensor}, or null for a model input; fails for an input the model was not given. */
    private static LayerCall producerOf(SymbolicTensor tensor, Set<SymbolicTensor> inputs) {
        if (tensor.isInput()) {
            if (!inputs.contains(tensor)) {
                throw new KilnException("the outputs depend on input '" + tensor.name() + "', which is not among the"
                        + " model's inputs");
            }
            return null;
        }
        return tensor.producer();
    }
}
