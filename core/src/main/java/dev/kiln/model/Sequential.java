package dev.kiln.model;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.layer.Layer;
import dev.kiln.layer.Input;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.tensor.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A plain stack of layers, each feeding the next: a model whose graph is the chain of its layers, made once the
 * input shape is known. Unnamed layers are named by type and position among layers of that type ("dense_1",
 * "dense_2") when added, so parameter names ("dense_1/kernel") are stable.
 */
public final class Sequential extends Model {
    private final List<Layer> layers = new ArrayList<>();
    private Graph chain;

    /** A model of {@code layers} on the backend {@link dev.kiln.backend.Backends#select()} picks at first build. */
    public Sequential(Layer... layers) {
        this(null, layers);
    }

    private Sequential(Backend backend, Layer... layers) {
        super(backend);
        for (Layer layer : layers) {
            add(layer);
        }
    }

    /** A model of {@code layers} on {@code backend}, which stays the caller's to close. */
    public static Sequential on(Backend backend, Layer... layers) {
        if (backend == null) {
            throw new KilnException("Sequential.on needs a backend");
        }
        return new Sequential(backend, layers);
    }

    /** Appends a layer; only before the model's input shape is known. */
    public Sequential add(Layer layer) {
        if (hasShapes()) {
            throw new KilnException("cannot add a layer to model '" + name() + "' after its input shape was fixed");
        }
        if (layers.contains(layer)) {
            throw new KilnException("layer '" + layer.name() + "' is already in this model");
        }
        if (!layer.hasName()) {
            int index = 1;
            while (hasLayerNamed(layer.typeKey() + "_" + index)) {
                index++;
            }
            layer.named(layer.typeKey() + "_" + index);
        }
        if (hasLayerNamed(layer.name())) {
            throw new KilnException("two layers are named '" + layer.name() + "'; layer names must be unique");
        }
        layers.add(layer);
        return this;
    }

    private boolean hasLayerNamed(String name) {
        return layers.stream().anyMatch(l -> l.name().equals(name));
    }

    @Override
    public Sequential dtype(DType value) {
        super.dtype(value);
        return this;
    }

    @Override
    public Sequential named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    public Sequential trainable(boolean value) {
        super.trainable(value);
        return this;
    }

    @Override
    public Sequential seed(long value) {
        super.seed(value);
        return this;
    }

    @Override
    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    @Override
    Graph graphFor(List<Shape> inputShapes) {
        if (chain == null) {
            if (layers.isEmpty()) {
                throw new KilnException("a Sequential model needs at least one layer");
            }
            if (inputShapes.size() != 1) {
                throw badInput("takes one input, got " + inputShapes.size());
            }
            SymbolicTensor input = Input.of("input", inputShapes.get(0));
            SymbolicTensor x = input;
            for (Layer layer : layers) {
                x = layer.call(x);
            }
            chain = Graph.of(List.of(input), List.of(x));
            useGraph(chain);
        }
        return chain;
    }
}
