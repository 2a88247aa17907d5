package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.init.Initializer;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One stage of a network. A layer is built once, from the shape of one sample of its input (the batch axis
 * excluded), which creates its parameters; afterwards every input must have that per-sample shape. A
 * frozen layer ({@code trainable(false)}) gets no gradients and is not updated.
 */
public abstract class Layer implements AutoCloseable {
    private final List<Tensor> parameters = new ArrayList<>();
    private String name;
    private boolean trainable = true;
    private Shape inputShape;
    private Shape outputShape;

    /** The layer's name; defaults to its type key ("dense") until a model names it ("dense_1"). */
    public final String name() {
        return name == null ? typeKey() : name;
    }

    /** Whether a name was given (by the user or a model). */
    public final boolean hasName() {
        return name != null;
    }

    /** Sets this layer's name; parameters are named {@code name/parameter}. Only before the layer is built. */
    public Layer named(String newName) {
        if (newName == null || newName.isBlank() || newName.contains("/")) {
            throw new KilnException("a layer name must be non-empty and must not contain '/', got '" + newName + "'");
        }
        checkNotBuilt("rename");
        this.name = newName;
        return this;
    }

    /** The class name, as shown in summaries ("Dense"). */
    public final String type() {
        return getClass().getSimpleName();
    }

    /** The type in snake case, the stem of default names ("dense", "simple_rnn"). */
    public final String typeKey() {
        return type().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** Whether the optimizer updates this layer's parameters. */
    public final boolean trainable() {
        return trainable;
    }

    /** Freezes ({@code false}) or unfreezes this layer's parameters. */
    public Layer trainable(boolean value) {
        this.trainable = value;
        for (Tensor p : parameters) {
            p.requiresGrad(value);
        }
        return this;
    }

    /** Whether the parameters exist (after the first input or the model's build). */
    public final boolean isBuilt() {
        return outputShape != null;
    }

    /** Creates the parameters for inputs of per-sample shape {@code sampleShape}; returns the per-sample output shape. */
    public final Shape build(Shape sampleShape, ParameterFactory factory) {
        if (isBuilt()) {
            checkInput(sampleShape);
            return outputShape;
        }
        Shape out = buildFor(sampleShape, factory);
        for (Tensor p : parameters) {
            p.requiresGrad(trainable);
        }
        this.inputShape = sampleShape;
        this.outputShape = out;
        return out;
    }

    /**
     * Applies the layer to a batch {@code [batch, ...sample shape]}; builds it on first use from the input's
     * backend and dtype. {@code training} selects training behaviour (dropout, batch statistics).
     */
    public final Tensor forward(Tensor input, boolean training) {
        if (input.rank() == 0) {
            throw new KilnException("layer '" + name() + "' (" + type() + ") needs a batch axis, got a scalar");
        }
        Shape sample = input.shape().tail();
        if (!isBuilt()) {
            build(sample, new ParameterFactory(input.backend(), input.dtype(), 0));
        }
        checkInput(sample);
        return compute(input, training);
    }

    /** Per-sample input shape; only once built. */
    public final Shape inputShape() {
        checkBuilt();
        return inputShape;
    }

    /** Per-sample output shape; only once built. */
    public final Shape outputShape() {
        checkBuilt();
        return outputShape;
    }

    /** The parameters, in creation order, named {@code layer/parameter}; empty before the layer is built. */
    public final List<Tensor> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    /** Number of scalar parameters. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : parameters) {
            n += p.size();
        }
        return n;
    }

    /** Frees the parameters; the layer cannot be used afterwards. */
    @Override
    public void close() {
        for (Tensor p : parameters) {
            p.close();
        }
    }

    /** Creates this layer's parameters through {@link #addParameter} and returns the per-sample output shape. */
    protected abstract Shape buildFor(Shape sampleShape, ParameterFactory factory);

    /** The forward computation on a batch whose per-sample shape has been checked. */
    protected abstract Tensor compute(Tensor input, boolean training);

    /** Registers a parameter made by {@code factory} under this layer's name. */
    protected final Tensor addParameter(ParameterFactory factory, String parameter, Shape shape,
                                        Initializer initializer, int fanIn, int fanOut) {
        Tensor p = factory.create(name(), parameter, shape, initializer, fanIn, fanOut);
        parameters.add(p);
        return p;
    }

    /** A failure naming this layer, for input it cannot take. */
    protected final KilnException badInput(String message) {
        return new KilnException("layer '" + name() + "' (" + type() + "): " + message);
    }

    private void checkInput(Shape sample) {
        if (!sample.equals(inputShape)) {
            throw badInput("expected input shape " + batchShape(inputShape) + ", got " + batchShape(sample));
        }
    }

    private void checkBuilt() {
        if (!isBuilt()) {
            throw new KilnException("layer '" + name() + "' (" + type() + ") is not built yet: its shapes are"
                    + " known after the first input (or after the model is built)");
        }
    }

    /** Throws when the layer is already built; configuration setters call it. */
    protected final void checkNotBuilt(String what) {
        if (isBuilt()) {
            throw new KilnException("cannot " + what + " layer '" + name() + "' after it was built");
        }
    }

    /** A per-sample shape with the batch axis shown as '?' ("[?, 3]"). */
    public static String batchShape(Shape sample) {
        String dims = sample.toString();
        return sample.rank() == 0 ? "[?]" : "[?, " + dims.substring(1);
    }
}
