package dev.kiln.layer;

import dev.kiln.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * One application of a layer inside a graph: the layer, the symbolic tensors it was called on and those it
 * produced (Keras keeps the same triple per node). A layer called twice has two calls sharing its weights.
 */
public final class LayerCall {
    private final Layer layer;
    private final int index;
    private final List<SymbolicTensor> inputs;
    private final List<SymbolicTensor> outputs;

    LayerCall(Layer layer, int index, List<SymbolicTensor> inputs, List<Shape> outputShapes) {
        this.layer = layer;
        this.index = index;
        this.inputs = List.copyOf(inputs);
        List<SymbolicTensor> out = new ArrayList<>();
        for (int i = 0; i < outputShapes.size(); i++) {
            out.add(new SymbolicTensor(outputShapes.get(i), null, this, i));
        }
        this.outputs = List.copyOf(out);
    }

    /** The layer applied. */
    public Layer layer() {
        return layer;
    }

    /** Which call of its layer this is, from 0. */
    public int index() {
        return index;
    }

    /** The tensors it was called on. */
    public List<SymbolicTensor> inputs() {
        return inputs;
    }

    /** The tensors it produced. */
    public List<SymbolicTensor> outputs() {
        return outputs;
    }
}
