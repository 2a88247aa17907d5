package dev.kiln.layer;

import dev.kiln.tensor.Shape;

/**
 * A placeholder for the tensor a layer call will produce, used to describe a graph before any data flows: an
 * {@link Input} or the {@code index}-th output of a {@link LayerCall}. It knows the per-sample shape only.
 */
public final class SymbolicTensor {
    private final Shape shape;
    private final String name;
    private final LayerCall producer;
    private final int index;

    SymbolicTensor(Shape shape, String name, LayerCall producer, int index) {
        this.shape = shape;
        this.name = name;
        this.producer = producer;
        this.index = index;
    }

    /** Per-sample shape (no batch axis). */
    public Shape shape() {
        return shape;
    }

    /**
     * The input's name, or for a layer output the producing layer's name, with {@code #call} for a shared layer's
     * later calls and {@code [output]} when it has several outputs ("dense_1", "dense_1#1", "lstm_1[2]").
     */
    public String name() {
        if (producer == null) {
            return name;
        }
        String call = producer.layer().name() + (producer.index() == 0 ? "" : "#" + producer.index());
        return producer.outputs().size() == 1 ? call : call + "[" + index + "]";
    }

    /** The call that produces this tensor, or null for a model input. */
    public LayerCall producer() {
        return producer;
    }

    /** Which output of its producer this is. */
    public int index() {
        return index;
    }

    /** Whether this is a model input rather than a layer's output. */
    public boolean isInput() {
        return producer == null;
    }

    @Override
    public String toString() {
        return "SymbolicTensor '" + name() + "' " + Layer.batchShape(shape);
    }
}
