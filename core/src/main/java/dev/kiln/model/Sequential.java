package dev.kiln.model;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.layer.Layer;
import dev.kiln.layer.ParameterFactory;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A plain stack of layers, each feeding the next. Unnamed layers are named by type and position among
 * layers of that type ("dense_1", "dense_2"), so parameter names ("dense_1/kernel") are stable.
 */
public final class Sequential extends Model {
    private final List<Layer> layers = new ArrayList<>();

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

    /** Appends a layer; only before the model is built. */
    public Sequential add(Layer layer) {
        checkNotBuilt("add a layer to");
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
    public Sequential seed(long value) {
        super.seed(value);
        return this;
    }

    @Override
    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    @Override
    protected Shape buildLayers(Shape sampleShape, ParameterFactory factory) {
        if (layers.isEmpty()) {
            throw new KilnException("a Sequential model needs at least one layer");
        }
        Shape shape = sampleShape;
        for (Layer layer : layers) {
            shape = layer.build(shape, factory);
        }
        return shape;
    }

    @Override
    protected Tensor forwardLayers(Tensor input, boolean training) {
        Tensor x = input;
        for (Layer layer : layers) {
            x = layer.forward(x, training);
        }
        return x;
    }
}
