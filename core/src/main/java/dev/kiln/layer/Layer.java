package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.init.Initializer;
import dev.kiln.op.InPlaceOps;
import dev.kiln.regularizer.RegularizedWeight;
import dev.kiln.regularizer.Regularizer;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One stage of a network, taking one or more inputs and giving one or more outputs. A layer's per-sample input
 * shapes (the batch axis excluded) are fixed by its first call, symbolic ({@link #call}) or on data
 * ({@link #forward}); building creates its weights, and every later input must have those shapes. Calling one
 * layer several times shares its weights. Weights split as in PyTorch: parameters, which optimizers update, and
 * state (running statistics), which is saved and restored but never optimised. A frozen layer
 * ({@code trainable(false)}) gets no gradients and is not updated; freezing a layer that contains others (a
 * model) freezes them all.
 */
public abstract class Layer implements AutoCloseable {
    private final List<Tensor> parameters = new ArrayList<>();
    private final List<Tensor> state = new ArrayList<>();
    private final List<RegularizedWeight> regularized = new ArrayList<>();
    private String name;
    private boolean trainable = true;
    private List<Shape> inputShapes;
    private List<Shape> outputShapes;
    private boolean built;
    private int calls;

    /** The layer's name; defaults to its type key ("dense") until a model names it ("dense_1"). */
    public final String name() {
        return name == null ? typeKey() : name;
    }

    /** Whether a name was given (by the user or a model). */
    public final boolean hasName() {
        return name != null;
    }

    /** Sets this layer's name; its weights are named {@code name/weight} ("dense_1/kernel"), also when already built. */
    public Layer named(String newName) {
        if (newName == null || newName.isBlank() || newName.contains("/")) {
            throw new KilnException("a layer name must be non-empty and must not contain '/', got '" + newName + "'");
        }
        this.name = newName;
        for (List<Tensor> own : List.of(parameters, state)) {
            for (Tensor w : own) {
                w.named(newName + w.name().substring(w.name().lastIndexOf('/')));
            }
        }
        return this;
    }

    /** The class name, as shown in summaries ("Dense"). */
    public final String type() {
        return getClass().getSimpleName();
    }

    /** The type in snake case, the stem of default names ("dense", "simple_rnn", "conv2d_transpose"). */
    public final String typeKey() {
        return type().replaceAll("([a-z])([A-Z])", "$1_$2").replaceAll("([A-Z])([A-Z][a-z])", "$1_$2")
                .toLowerCase(Locale.ROOT);
    }

    /** Whether the optimizer updates this layer's parameters. */
    public final boolean trainable() {
        return trainable;
    }

    /** Freezes ({@code false}) or unfreezes this layer's parameters and those of every layer it contains. */
    public Layer trainable(boolean value) {
        this.trainable = value;
        for (Tensor p : parameters) {
            p.requiresGrad(value);
        }
        for (Layer inner : sublayers()) {
            inner.trainable(value);
        }
        return this;
    }

    // ---- graph ----

    /** Applies this one-output layer to symbolic tensors, recording the call for a functional model. */
    public final SymbolicTensor call(SymbolicTensor... inputs) {
        List<SymbolicTensor> out = callAll(List.of(inputs));
        if (out.size() != 1) {
            throw badInput("gives " + out.size() + " outputs; use callAll to receive them all");
        }
        return out.get(0);
    }

    /** Applies this layer to symbolic tensors, recording the call; returns one symbolic tensor per output. */
    public final List<SymbolicTensor> callAll(List<SymbolicTensor> inputs) {
        if (inputs.isEmpty()) {
            throw badInput("needs at least one input");
        }
        try {
            resolveShapes(inputs.stream().map(SymbolicTensor::shape).toList());
        } catch (KilnException e) {
            throw new KilnException(e.getMessage() + "; called on " + inputs.stream()
                    .map(t -> "'" + t.name() + "' " + batchShape(t.shape())).collect(Collectors.joining(", ")), e);
        }
        return new LayerCall(this, calls++, inputs, outputShapes).outputs();
    }

    // ---- shapes and building ----

    /** Whether the parameters exist (after the first input or the model's build). */
    public final boolean isBuilt() {
        return built;
    }

    /** Whether the input and output shapes are known (after the first call, symbolic or on data). */
    public final boolean hasShapes() {
        return inputShapes != null;
    }

    /** Creates the parameters for inputs of per-sample shapes {@code sampleShapes}; returns the output shapes. */
    public final List<Shape> build(List<Shape> sampleShapes, ParameterFactory factory) {
        resolveShapes(sampleShapes);
        if (!built) {
            createParameters(inputShapes, factory);
            for (Tensor p : parameters) {
                p.requiresGrad(trainable);
            }
            built = true;
        }
        return outputShapes;
    }

    /** Creates the parameters for one input of per-sample shape {@code sampleShape}; returns the one output shape. */
    public final Shape build(Shape sampleShape, ParameterFactory factory) {
        return single(build(List.of(sampleShape), factory), "output");
    }

    /** Per-sample shape of the one input; only once the shapes are known. */
    public final Shape inputShape() {
        return single(inputShapes(), "input");
    }

    /** Per-sample shape of the one output; only once the shapes are known. */
    public final Shape outputShape() {
        return single(outputShapes(), "output");
    }

    /** Per-sample input shapes; only once the shapes are known. */
    public final List<Shape> inputShapes() {
        checkShapes();
        return inputShapes;
    }

    /** Per-sample output shapes; only once the shapes are known. */
    public final List<Shape> outputShapes() {
        checkShapes();
        return outputShapes;
    }

    /** Fixes the input shapes at the first call and checks every later call against them. */
    protected final void resolveShapes(List<Shape> shapes) {
        if (inputShapes == null) {
            List<Shape> out = List.copyOf(outputShapesFor(List.copyOf(shapes)));
            inputShapes = List.copyOf(shapes);
            outputShapes = out;
        } else if (!inputShapes.equals(shapes)) {
            throw badInput("expected " + describe(inputShapes) + ", got " + describe(shapes)
                    + " (a layer called several times takes the same input shapes each time)");
        }
    }

    // ---- computation ----

    /** Applies this one-input, one-output layer to a batch {@code [batch, ...sample shape]}. */
    public final Tensor forward(Tensor input, ForwardContext context) {
        return forward(List.of(input), context);
    }

    /** Applies this one-output layer to batches of its inputs. */
    public final Tensor forward(List<Tensor> inputs, ForwardContext context) {
        return single(forwardAll(inputs, context), "output");
    }

    /**
     * Applies the layer to batches {@code [batch, ...sample shape]} of each input, building it on first use
     * (from the first input's backend and dtype); returns one batch per output.
     */
    public final List<Tensor> forwardAll(List<Tensor> inputs, ForwardContext context) {
        if (inputs.isEmpty()) {
            throw badInput("needs at least one input");
        }
        List<Shape> samples = new ArrayList<>();
        for (Tensor input : inputs) {
            if (input.rank() == 0) {
                throw badInput("needs a batch axis, got a scalar");
            }
            if (input.shape().dim(0) != inputs.get(0).shape().dim(0)) {
                throw badInput("inputs have different batch sizes: " + inputs.stream()
                        .map(t -> String.valueOf(t.shape().dim(0))).collect(Collectors.joining(", ")));
            }
            samples.add(input.shape().tail());
        }
        prepare(inputs, samples);
        if (!samples.equals(inputShapes)) {
            throw badInput("expected " + describe(inputShapes) + ", got " + describe(samples));
        }
        List<Tensor> outputs = compute(inputs, context);
        Tensor mask = inputs.get(0).mask();
        if (mask != null && passesMask()) {
            for (Tensor output : outputs) {
                if (output.mask() == null && output.rank() >= 3 && output.shape().dim(1) == mask.shape().dim(1)) {
                    output.withMask(mask);
                }
            }
        }
        return outputs;
    }

    /**
     * Whether the first input's time-step mask passes on to the outputs that keep its time axis (Keras's
     * {@code supports_masking}): true for layers that work on each step alone (Dense, Activation, Dropout); false by
     * default, so a layer that mixes the steps drops the mask.
     */
    protected boolean passesMask() {
        return false;
    }

    /**
     * Runs before each forward computation: builds the layer for its first data, from the first input's backend
     * and dtype. A model overrides it to check the inputs' backend and to build with its own seed.
     */
    protected void prepare(List<Tensor> inputs, List<Shape> samples) {
        if (!built) {
            Tensor first = inputs.get(0);
            build(samples, new ParameterFactory(first.backend(), first.dtype(), 0));
        }
    }

    // ---- parameters ----

    /**
     * The parameters, this layer's own in creation order and then those of the layers it contains, each once,
     * named {@code layer/parameter}; empty before the layer is built.
     */
    public final List<Tensor> parameters() {
        List<Tensor> all = new ArrayList<>(parameters);
        for (Layer inner : sublayers()) {
            all.addAll(inner.parameters());
        }
        return distinct(all);
    }

    /** The parameters the optimizer updates: none when this layer is frozen. */
    public final List<Tensor> trainableParameters() {
        if (!trainable) {
            return List.of();
        }
        List<Tensor> all = new ArrayList<>(parameters);
        for (Layer inner : sublayers()) {
            all.addAll(inner.trainableParameters());
        }
        return distinct(all);
    }

    /**
     * The non-trainable state (running statistics), this layer's own in creation order and then that of the
     * layers it contains, named {@code layer/name}; updated by the layer in training, never by an optimizer.
     */
    public final List<Tensor> state() {
        List<Tensor> all = new ArrayList<>(state);
        for (Layer inner : sublayers()) {
            all.addAll(inner.state());
        }
        return distinct(all);
    }

    /**
     * The trainable parameters that carry a regularizer (this layer's own, then those of the layers it contains, each
     * once), as Keras gathers {@code layer.losses}: a frozen layer's penalties are left out, as its weights do not
     * change.
     */
    public final List<RegularizedWeight> regularizedWeights() {
        if (!trainable) {
            return List.of();
        }
        List<RegularizedWeight> all = new ArrayList<>(regularized);
        for (Layer inner : sublayers()) {
            all.addAll(inner.regularizedWeights());
        }
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        List<RegularizedWeight> out = new ArrayList<>();
        for (RegularizedWeight w : all) {
            if (seen.put(w.weight(), Boolean.TRUE) == null) {
                out.add(w);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Everything a saved model or checkpoint holds of this layer: the parameters, then the state. */
    public final List<Tensor> weights() {
        List<Tensor> all = new ArrayList<>(parameters());
        all.addAll(state());
        return Collections.unmodifiableList(all);
    }

    /**
     * Every weight's values by name, row-major: "kernel", "bias", "moving_mean" for a layer; the names of
     * {@code Model.namedWeights()} ("dense_1/kernel") for a model. Downloads from the device.
     */
    public final Map<String, double[]> getWeights() {
        Map<String, double[]> values = new LinkedHashMap<>();
        weightsByName().forEach((name, w) -> values.put(name, w.toDoubleArray()));
        return values;
    }

    /** The values of weight {@code name} (as {@link #getWeights()} names it), row-major. */
    public final double[] getWeights(String name) {
        return weight(name).toDoubleArray();
    }

    /** The shape of weight {@code name} (as {@link #getWeights()} names it). */
    public final Shape weightShape(String name) {
        return weight(name).shape();
    }

    /** Sets weight {@code name} from row-major values; their count must match its shape. */
    public final void setWeights(String name, double[] values) {
        Tensor target = weight(name);
        if (values.length != target.size()) {
            throw new KilnException("weight '" + name + "' of layer '" + name() + "' has shape " + target.shape()
                    + " (" + target.size() + " values), got " + values.length + " values");
        }
        try (Tensor source = Tensor.of(target.backend(), target.dtype(), target.shape(), values)) {
            InPlaceOps.assign(target, source);
        }
    }

    /** Sets the matrix weight {@code name} (a kernel [in, units]) from rows; the rows must match its shape. */
    public final void setWeights(String name, double[][] rows) {
        Shape shape = weightShape(name);
        int cols = rows.length == 0 ? 0 : rows[0].length;
        if (shape.rank() != 2 || shape.dim(0) != rows.length || Arrays.stream(rows).anyMatch(r -> r.length != cols)
                || shape.dim(1) != cols) {
            throw new KilnException("weight '" + name + "' of layer '" + name() + "' has shape " + shape + ", got "
                    + rows.length + " rows of " + Arrays.stream(rows).map(r -> String.valueOf(r.length)).distinct()
                    .collect(Collectors.joining(" or ")) + " values");
        }
        setWeights(name, Arrays.stream(rows).flatMapToDouble(Arrays::stream).toArray());
    }

    /** Sets every weight named in {@code values}; a name the layer does not have is an error listing the known ones. */
    public final void setWeights(Map<String, double[]> values) {
        values.keySet().forEach(this::weight);
        values.forEach(this::setWeights);
    }

    /** The weights by the names {@link #getWeights()} uses; a model names those of its layers. */
    protected Map<String, Tensor> weightsByName() {
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (Tensor w : weights()) {
            named.put(w.name().substring(w.name().lastIndexOf('/') + 1), w);
        }
        return named;
    }

    private Tensor weight(String name) {
        Map<String, Tensor> named = weightsByName();
        Tensor w = named.get(name);
        if (w == null) {
            throw new KilnException("layer '" + name() + "' has no weight '" + name + "'"
                    + (isBuilt() ? "; it has " + named.keySet() : "; it is not built yet"));
        }
        return w;
    }

    /** Number of scalar weights, parameters and state, as Keras counts "Total params". */
    public final long parameterCount() {
        return weights().stream().mapToLong(Tensor::size).sum();
    }

    /** Number of scalar parameters the optimizer updates. */
    public final long trainableParameterCount() {
        return trainableParameters().stream().mapToLong(Tensor::size).sum();
    }

    /** Frees the weights, the layer's own and those of the layers it contains; it cannot be used afterwards. */
    @Override
    public void close() {
        for (Tensor p : parameters) {
            p.close();
        }
        for (Tensor s : state) {
            s.close();
        }
        for (Layer inner : sublayers()) {
            inner.close();
        }
    }

    // ---- what subclasses define ----

    /** The per-sample output shapes for these per-sample input shapes; throws {@link #badInput} for shapes it cannot take. */
    protected abstract List<Shape> outputShapesFor(List<Shape> inputShapes);

    /** Creates this layer's parameters through {@link #addParameter}; nothing by default. */
    protected void createParameters(List<Shape> inputShapes, ParameterFactory factory) {
    }

    /** The forward computation on batches whose per-sample shapes have been checked. */
    protected abstract List<Tensor> compute(List<Tensor> inputs, ForwardContext context);

    /** The layers this one contains (a model's layers); none by default. */
    protected List<Layer> sublayers() {
        return List.of();
    }

    /** Registers a parameter made by {@code factory} under this layer's name. */
    protected final Tensor addParameter(ParameterFactory factory, String parameter, Shape shape,
                                        Initializer initializer, int fanIn, int fanOut) {
        Tensor p = factory.create(name(), parameter, shape, initializer, fanIn, fanOut);
        parameters.add(p);
        return p;
    }

    /** Adds {@code regularizer}'s penalty on {@code parameter}, one of this layer's parameters, to the training loss. */
    protected final void regularize(Tensor parameter, Regularizer regularizer) {
        if (!parameters.contains(parameter)) {
            throw badInput("can only regularize its own parameters, not '" + parameter.name() + "'");
        }
        regularized.add(new RegularizedWeight(parameter, regularizer));
    }

    /** Registers a state tensor (never optimised, no gradient) made by {@code factory} under this layer's name. */
    protected final Tensor addState(ParameterFactory factory, String name, Shape shape, Initializer initializer) {
        Tensor s = factory.create(name(), name, shape, initializer, 1, 1);
        state.add(s);
        return s;
    }

    /** A failure naming this layer, for input it cannot take. */
    protected final KilnException badInput(String message) {
        return new KilnException("layer '" + name() + "' (" + type() + "): " + message);
    }

    /** Throws when the layer is already built; configuration setters call it. */
    protected final void checkNotBuilt(String what) {
        if (built) {
            throw new KilnException("cannot " + what + " layer '" + name() + "' after it was built");
        }
    }

    private void checkShapes() {
        if (inputShapes == null) {
            throw new KilnException("layer '" + name() + "' (" + type() + ") has no shapes yet: they are known after"
                    + " its first call, on data or on symbolic inputs (or after the model is built)");
        }
    }

    private <T> T single(List<T> values, String what) {
        if (values.size() != 1) {
            throw badInput("has " + values.size() + " " + what + "s, not one");
        }
        return values.get(0);
    }

    private static String describe(List<Shape> shapes) {
        String joined = shapes.stream().map(Layer::batchShape).collect(Collectors.joining(", "));
        return shapes.size() == 1 ? "input shape " + joined : "input shapes " + joined;
    }

    private static List<Tensor> distinct(List<Tensor> tensors) {
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : tensors) {
            if (seen.put(t, Boolean.TRUE) == null) {
                out.add(t);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** A per-sample shape with the batch axis shown as '?' ("[?, 3]"). */
    public static String batchShape(Shape sample) {
        String dims = sample.toString();
        return sample.rank() == 0 ? "[?]" : "[?, " + dims.substring(1);
    }
}
