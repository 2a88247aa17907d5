package dev.kiln.model;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradMode;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendClosedException;
import dev.kiln.backend.BackendLock;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.data.ArrayDataset;
import dev.kiln.data.Dataset;
import dev.kiln.layer.ForwardContext;
import dev.kiln.layer.Layer;
import dev.kiln.layer.LayerCall;
import dev.kiln.layer.ParameterFactory;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.loss.Loss;
import dev.kiln.metric.Metric;
import dev.kiln.optim.Optimizer;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.Evaluation;
import dev.kiln.train.Evaluator;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import dev.kiln.train.LossWeights;
import dev.kiln.train.TrainableModel;
import dev.kiln.train.Trainer;
import dev.kiln.train.TrainingSetup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A graph of layer calls from symbolic inputs to outputs (the Keras functional API), on one backend and dtype,
 * with its training entry points: {@link #compile}, then {@link #fit}, {@link #evaluate} and {@link #predict}.
 * A model is a layer, so it can be called inside another model and shares its weights there. Unnamed layers are
 * named by type and position among layers of that type ("dense_1", "dense_2"). A model built without a backend
 * selects one with {@link Backends#select()} and closes it in {@link #close()}; a backend given by the user
 * stays the user's.
 *
 * <pre>{@code
 * SymbolicTensor x = Input.of("features", 8);
 * SymbolicTensor h = new Dense(16, ActivationFunction.RELU).call(x);
 * Model model = new Model(List.of(x), List.of(new Dense(1).named("score").call(h), new Dense(3).named("kind").call(h)));
 * model.compile(Map.of("score", Losses.mse(), "kind", Losses.sparseCategoricalCrossEntropy(true)), new Adam(0.01));
 * model.fit(ArrayDataset.builder().features("features", x).labels("score", y).labels("kind", classes).build(), options);
 * }</pre>
 *
 * <p>A model with several inputs takes one feature array per input, named after the input or in the order of
 * {@link #inputs()}, and one label array per output, named after the layer producing the output or in the order of
 * {@link #outputs()}. Each output has its loss; the loss minimised is the weighted sum of the output losses
 * ({@link LossWeights}) plus the penalties of regularized weights, and the history reports it as {@code loss}, each
 * output's weighted loss as {@code <output>_loss}, the penalty as {@code regularization_loss} and each output's
 * metrics as {@code <output>_<metric>}, as Keras does.
 *
 * <p>Threads: {@link #predict} and {@link #evaluate} may be called on one model from any number of threads at once
 * and give exactly the answers of single-threaded calls; each call holds its backend's {@link Backend#lock()} for
 * its whole length and keeps its intermediates to itself. {@link #fit} trains in one call at a time: a second
 * {@code fit} on the same model while one runs is refused with a {@link KilnException}. Fits of different models on
 * one backend run together, their steps taking turns on the backend; predictions on a model being trained run between
 * its steps. Configuration ({@link #dtype(DType)}, {@link #seed(long)}, {@link #compile}) belongs to one thread,
 * before the model is shared.
 */
public class Model extends Layer implements TrainableModel {
    /** Batch size of {@link #evaluate} and {@link #predict} when none is given. */
    public static final int DEFAULT_BATCH_SIZE = 256;

    private volatile Backend backend;
    private boolean ownsBackend;
    /** The dtype chosen with {@link #dtype(DType)}, or null for the default F32 (or the enclosing model's). */
    private DType dtype;
    private long seed;
    private long trainingSteps;
    private Graph graph;
    private TrainingSetup setup;
    private final AtomicBoolean training = new AtomicBoolean();
    private volatile boolean closed;

    /** A model from {@code inputs} to {@code outputs}, on the backend selected at first build. */
    public Model(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        this(null, inputs, outputs);
    }

    /** A model from one input to one output, on the backend selected at first build. */
    public Model(SymbolicTensor input, SymbolicTensor output) {
        this(null, List.of(input), List.of(output));
    }

    private Model(Backend backend, List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        this.backend = backend;
        useGraph(Graph.of(inputs, outputs));
        resolveShapes(inputs.stream().map(SymbolicTensor::shape).toList());
    }

    /** A model from {@code inputs} to {@code outputs} on {@code backend}, which stays the caller's to close. */
    public static Model on(Backend backend, List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        if (backend == null) {
            throw new KilnException("Model.on needs a backend");
        }
        return new Model(backend, inputs, outputs);
    }

    /** A model from one input to one output on {@code backend}, which stays the caller's to close. */
    public static Model on(Backend backend, SymbolicTensor input, SymbolicTensor output) {
        return on(backend, List.of(input), List.of(output));
    }

    /** A model whose graph a subclass supplies once its input shapes are known ({@link Sequential}). */
    Model(Backend backend) {
        this.backend = backend;
    }

    // ---- configuration ----

    /** The backend, selected on first use when none was given (that of an already built layer inside, if any). */
    public final Backend backend() {
        checkOpen();
        Backend chosen = backend;
        return chosen != null ? chosen : chooseBackend();
    }

    private synchronized Backend chooseBackend() {
        if (backend == null) {
            for (Layer layer : layers()) {
                if (!layer.weights().isEmpty()) {
                    // a layer built before (alone, or in another model) decides where this model computes
                    backend = layer.weights().get(0).backend();
                    return backend;
                }
            }
            backend = Backends.select();
            ownsBackend = true;
        }
        return backend;
    }

    /** The dtype of parameters and computation. */
    public final DType dtype() {
        return dtype == null ? DType.F32 : dtype;
    }

    /** Sets the dtype of parameters and computation (F32 by default); only before the model is built. */
    public Model dtype(DType value) {
        checkNotBuilt("change the dtype of");
        if (value == null || !value.isReal()) {
            throw new KilnException("a model computes in F32 or F64, got " + value + " (I32 holds indices only)");
        }
        this.dtype = value;
        return this;
    }

    /** The seed the initial weights and the training steps' random streams derive from. */
    public final long seed() {
        return seed;
    }

    /** Sets the seed every initial weight and dropout mask is derived from (0 by default); only before building. */
    public Model seed(long value) {
        checkNotBuilt("change the seed of");
        this.seed = value;
        return this;
    }

    /** Training steps taken so far, over every fit; a step's random stream (dropout masks) is numbered by it. */
    public final long trainingSteps() {
        return trainingSteps;
    }

    /** Sets the count of training steps taken; resuming from a checkpoint restores it. */
    public final void trainingSteps(long steps) {
        if (steps < 0) {
            throw new KilnException("training steps must not be negative, got " + steps);
        }
        this.trainingSteps = steps;
    }

    @Override
    public Model named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    public Model trainable(boolean value) {
        super.trainable(value);
        return this;
    }

    // ---- structure ----

    /** The distinct layers, in the order of their first call. */
    public List<Layer> layers() {
        return graph == null ? List.of() : graph.layers();
    }

    /** The symbolic inputs, in the order {@link #forwardAll} takes them; only once the shapes are known. */
    public final List<SymbolicTensor> inputs() {
        return graphFor(inputShapes()).inputs();
    }

    /** The symbolic outputs, in the order {@link #forwardAll} returns them; only once the shapes are known. */
    public final List<SymbolicTensor> outputs() {
        return graphFor(inputShapes()).outputs();
    }

    /** The names of the inputs, in the order {@link #forwardAll} takes them; only once the shapes are known. */
    @Override
    public final List<String> inputNames() {
        return inputs().stream().map(SymbolicTensor::name).toList();
    }

    /**
     * The names of the outputs, in the order {@link #forwardAll} returns them: the name of the layer producing each
     * ("score"); only once the shapes are known.
     */
    @Override
    public final List<String> outputNames() {
        return outputs().stream().map(SymbolicTensor::name).toList();
    }

    /** The layer calls in the order they run; only once the shapes are known. */
    public final List<LayerCall> calls() {
        return graphFor(inputShapes()).calls();
    }

    /** Builds every layer and creates the parameters, for samples of shape {@code sampleShape} (no batch axis). */
    public final void build(Shape sampleShape) {
        build(List.of(sampleShape));
    }

    /** Builds every layer and creates the parameters, for one sample shape per input. */
    @Override
    public final void build(List<Shape> sampleShapes) {
        onDevice(() -> {
            checkNotBuilt("build");
            Backend b = backend();
            if (!b.supports(dtype())) {
                throw new KilnException("backend '" + b.name() + "' on " + b.device().name() + " does not support "
                        + dtype());
            }
            build(sampleShapes, new ParameterFactory(b, dtype(), seed));
            return null;
        });
    }

    /**
     * Every parameter by its name: {@code layer/parameter} ("dense_1/kernel"), prefixed by the model's name for
     * layers of a model inside this one ("generator/dense_1/kernel"); a shared layer's parameters appear once.
     */
    public final Map<String, Tensor> namedParameters() {
        return named(Layer::parameters);
    }

    /** Every weight, parameters and state ("batch_normalization_1/moving_mean"), named as {@link #namedParameters()}. */
    public final Map<String, Tensor> namedWeights() {
        return named(Layer::weights);
    }

    @Override
    protected final Map<String, Tensor> weightsByName() {
        return namedWeights();
    }

    private Map<String, Tensor> named(Function<Layer, List<Tensor>> kind) {
        Map<String, Tensor> named = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Layer layer : layers()) {
            Map<String, Tensor> own = new LinkedHashMap<>();
            if (layer instanceof Model inner) {
                inner.named(kind).forEach((name, p) -> own.put(inner.name() + "/" + name, p));
            } else {
                kind.apply(layer).forEach(p -> own.put(p.name(), p));
            }
            own.forEach((name, p) -> {
                if (seen.add(p)) {
                    named.put(name, p);
                }
            });
        }
        return named;
    }

    /** The parameter called {@code name} ("dense_1/kernel"), as {@link #namedParameters()} names it. */
    public final Tensor parameter(String name) {
        Map<String, Tensor> named = namedParameters();
        Tensor p = named.get(name);
        if (p == null) {
            throw new KilnException("no parameter '" + name + "'; the model has " + named.keySet());
        }
        return p;
    }

    /** A printable table of the layers (name, type, output shape, parameters, inputs) and the parameter totals. */
    public final String summary() {
        checkBuilt();
        return ModelSummary.of(this);
    }

    // ---- the graph as a layer ----

    /** The graph for inputs of these shapes; a subclass may create it here. */
    Graph graphFor(List<Shape> inputShapes) {
        if (graph == null) {
            throw new KilnException("model '" + name() + "' has no graph");
        }
        return graph;
    }

    /** Adopts {@code g} as this model's graph, naming its unnamed layers; fails on two layers of one name. */
    final void useGraph(Graph g) {
        Set<String> names = new HashSet<>();
        for (Layer layer : g.layers()) {
            if (layer.hasName() && !names.add(layer.name())) {
                throw new KilnException("two layers are named '" + layer.name() + "'; layer names must be unique");
            }
        }
        Map<String, Integer> next = new HashMap<>();
        for (Layer layer : g.layers()) {
            if (!layer.hasName()) {
                int index = next.getOrDefault(layer.typeKey(), 1);
                while (names.contains(layer.typeKey() + "_" + index)) {
                    index++;
                }
                next.put(layer.typeKey(), index + 1);
                layer.named(layer.typeKey() + "_" + index);
                names.add(layer.name());
            }
        }
        this.graph = g;
    }

    @Override
    protected final List<Shape> outputShapesFor(List<Shape> inputShapes) {
        Graph g = graphFor(inputShapes);
        List<Shape> expected = g.inputs().stream().map(SymbolicTensor::shape).toList();
        if (!expected.equals(inputShapes)) {
            throw badInput("takes inputs of shapes " + expected.stream().map(Layer::batchShape).toList() + ", got "
                    + inputShapes.stream().map(Layer::batchShape).toList());
        }
        return g.outputs().stream().map(SymbolicTensor::shape).toList();
    }

    @Override
    protected final void createParameters(List<Shape> inputShapes, ParameterFactory factory) {
        // built as a part of another model, this model computes on that model's backend and dtype
        if ((backend != null && backend != factory.backend()) || (dtype != null && dtype != factory.dtype())) {
            throw new KilnException("model '" + name() + "' is set to compute on backend '"
                    + (backend == null ? "(any)" : backend.name()) + "' in "
                    + dtype() + ", but is built as part of a model on backend '" + factory.backend().name() + "' in "
                    + factory.dtype() + "; nested models share their enclosing model's backend and dtype");
        }
        backend = factory.backend();
        dtype = factory.dtype();
        for (Layer layer : layers()) {
            for (Tensor w : layer.weights()) {
                if (w.backend() != factory.backend() || w.dtype() != factory.dtype()) {
                    throw new KilnException("layer '" + layer.name() + "' holds its weights on backend '"
                            + w.backend().name() + "' in " + w.dtype() + ", but model '" + name() + "' is built on"
                            + " backend '" + factory.backend().name() + "' in " + factory.dtype()
                            + "; a layer's weights live on one backend object");
                }
            }
            layer.build(layer.inputShapes(), factory);
        }
    }

    @Override
    protected final void prepare(List<Tensor> inputs, List<Shape> samples) {
        checkOpen();
        if (backend == null) {
            backend = inputs.get(0).backend();
        }
        for (Tensor input : inputs) {
            if (input.backend() != backend || input.dtype() != dtype()) {
                throw new KilnException("model '" + name() + "' on backend '" + backend.name() + "' with " + dtype()
                        + " got an input on " + (input.backend() == backend ? "it"
                        : "another backend object ('" + input.backend().name() + "')") + " with " + input.dtype());
            }
        }
        if (!isBuilt()) {
            build(samples);
        }
    }

    @Override
    protected final List<Tensor> compute(List<Tensor> inputs, ForwardContext context) {
        Graph g = graphFor(inputShapes());
        Map<SymbolicTensor, Tensor> values = new IdentityHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            values.put(g.inputs().get(i), inputs.get(i));
        }
        for (LayerCall call : g.calls()) {
            List<Tensor> in = new ArrayList<>();
            for (SymbolicTensor t : call.inputs()) {
                in.add(values.get(t));
            }
            List<Tensor> out = call.layer().forwardAll(in, context.enter(call.layer().name(), call.index()));
            for (int i = 0; i < out.size(); i++) {
                values.put(call.outputs().get(i), out.get(i));
            }
        }
        List<Tensor> outputs = new ArrayList<>();
        for (SymbolicTensor t : g.outputs()) {
            outputs.add(values.get(t));
        }
        return outputs;
    }

    @Override
    protected final List<Layer> sublayers() {
        return layers();
    }

    // ---- training ----

    /**
     * Sets the loss, optimizer and metrics for training; the model owns the optimizer from now on. A model with
     * several outputs applies the loss, and each metric, to every output.
     */
    public Model compile(Loss loss, Optimizer optimizer, Metric... metrics) {
        return compile(TrainingSetup.builder(optimizer).loss(loss).metrics(metrics).build());
    }

    /**
     * Sets a loss per output, by output name (the name of the layer producing it), the optimizer, and metrics that
     * every output reports ({@code <output>_<metric>}).
     */
    public Model compile(Map<String, Loss> losses, Optimizer optimizer, Metric... metrics) {
        return compile(TrainingSetup.builder(optimizer).losses(losses).metrics(metrics).build());
    }

    /**
     * Sets a loss per output and its weight in the total loss, the optimizer, and metrics per output, all by output
     * name; outputs missing from {@code weights} weigh 1, and from {@code metrics} report none.
     */
    public Model compile(Map<String, Loss> losses, LossWeights weights, Optimizer optimizer,
                         Map<String, List<Metric>> metrics) {
        return compile(TrainingSetup.builder(optimizer).losses(losses).lossWeights(weights).metrics(metrics).build());
    }

    /** Sets what training uses ({@link TrainingSetup#builder}); the model owns its optimizer from now on. */
    public Model compile(TrainingSetup next) {
        checkOpen();
        if (next == null) {
            throw new KilnException("compile needs a training setup");
        }
        if (training.get()) {
            throw new KilnException("model '" + name() + "' cannot be compiled while it trains");
        }
        if (setup == null || setup.optimizer() != next.optimizer()) {
            OptimizerOwners.claim(next.optimizer(), this);
        }
        if (setup != null && setup.optimizer() != next.optimizer()) {
            OptimizerOwners.release(setup.optimizer());
            setup.optimizer().close();
        }
        setup = next;
        return this;
    }

    /**
     * Trains on {@code data}; returns the per-epoch history (also when training stopped early). A second fit of this
     * model while one runs is refused.
     */
    public final History fit(Dataset data, FitOptions options) {
        TrainingSetup compiled = compiled();
        if (!training.compareAndSet(false, true)) {
            throw new KilnException("model '" + name() + "' is already training in another fit; a model trains in"
                    + " one fit at a time (predict and evaluate may run alongside it)");
        }
        try {
            return Trainer.fit(this, compiled, data, options);
        } finally {
            training.set(false);
        }
    }

    /** Trains on rows of x with labels y. */
    public final History fit(double[][] x, double[][] y, FitOptions options) {
        return fit(ArrayDataset.of(x, y), options);
    }

    /** Trains on rows of x with labels y. */
    public final History fit(float[][] x, float[][] y, FitOptions options) {
        return fit(ArrayDataset.of(x, y), options);
    }

    /** Trains on rows of x labelled by class indices (for sparse losses). */
    public final History fit(double[][] x, int[] classes, FitOptions options) {
        return fit(ArrayDataset.of(x, classes), options);
    }

    /** Trains on one array of rows per input and one of labels per output, by input and output name. */
    public final History fit(Map<String, double[][]> x, Map<String, double[][]> y, FitOptions options) {
        return fit(arrays(x, y), options);
    }

    /**
     * Trains on one array of rows per input and one of labels per output, in the model's order. A list of one array
     * needs its type spelled out, {@code List.<double[][]>of(x)}: plain {@code List.of(x)} makes a list of rows.
     */
    public final History fit(List<double[][]> x, List<double[][]> y, FitOptions options) {
        return fit(arrays(x, y), options);
    }

    /**
     * A copy of this built model on {@code device}: the same layers, names, dtype and seed, built from the
     * description a saved model holds ({@link ModelCopier}: a model that can be saved can be copied), with freshly
     * initialised weights; {@code fit} on several devices trains one per device. The caller closes it.
     */
    @Override
    public Model replicaOn(Backend device) {
        checkBuilt();
        Model copy;
        try {
            ModelCopier copier = ServiceLoader.load(ModelCopier.class, Model.class.getClassLoader()).findFirst()
                    .orElseThrow(() -> new KilnException("no " + ModelCopier.class.getName() + " on the class path"));
            copy = copier.copy(this, device);
        } catch (KilnException e) {
            throw new KilnException("model '" + name() + "' cannot be copied onto device " + device.device().name()
                    + " (" + device.name() + "): " + e.getMessage(), e);
        }
        copy.dtype(dtype()).seed(seed).build(inputShapes());
        return copy;
    }

    /** Loss and metrics on {@code data}. */
    public final Evaluation evaluate(Dataset data) {
        return evaluate(data, DEFAULT_BATCH_SIZE);
    }

    /** Loss and metrics on {@code data}, in batches of {@code batchSize}. */
    public final Evaluation evaluate(Dataset data, int batchSize) {
        TrainingSetup compiled = compiled();
        return onDevice(() -> Evaluator.evaluate(this, compiled, data, batchSize, true));
    }

    /** Loss and metrics on rows of x with labels y. */
    public final Evaluation evaluate(double[][] x, double[][] y) {
        return evaluate(ArrayDataset.of(x, y));
    }

    /** Loss and metrics on one array of rows per input and one of labels per output, by name. */
    public final Evaluation evaluate(Map<String, double[][]> x, Map<String, double[][]> y) {
        return evaluate(arrays(x, y));
    }

    /** Loss and metrics on one array of rows per input and one of labels per output, in the model's order. */
    public final Evaluation evaluate(List<double[][]> x, List<double[][]> y) {
        return evaluate(arrays(x, y));
    }

    /**
     * The model's one output for a batch, computed in inference mode without gradients; the caller owns it (it
     * belongs to the memory scope open on this thread, if any), and every intermediate is freed.
     */
    public final Tensor predict(Tensor x) {
        return inference(x.backend(), () -> List.of(forward(x, ForwardContext.inference()))).get(0);
    }

    /**
     * The model's outputs for a batch of each input, in inference mode without gradients; the caller owns them (they
     * belong to the memory scope open on this thread, if any), and every intermediate is freed.
     */
    public final List<Tensor> predict(List<Tensor> inputs) {
        if (inputs.isEmpty()) {
            throw new KilnException("predict: model '" + name() + "' needs one tensor per input, got none");
        }
        return inference(inputs.get(0).backend(), () -> forwardAll(inputs, ForwardContext.inference()));
    }

    /** Runs {@code forward} on {@code device} under its lock and a scope of its own, handing out only the outputs. */
    private static List<Tensor> inference(Backend device, Supplier<List<Tensor>> forward) {
        return BackendLock.holding(device, () -> {
            try (GradMode.Restore ignored = GradMode.disabled(); MemoryScope call = MemoryScope.open()) {
                List<Tensor> outputs = new ArrayList<>();
                for (Tensor output : forward.get()) {
                    outputs.add(call.handOut(output));
                }
                return outputs;
            }
        });
    }

    /** Runs {@code work} holding the lock of this model's backend. */
    private <T> T onDevice(Supplier<T> work) {
        return BackendLock.holding(backend(), work);
    }

    /** The model's one output for each row of x, one output row per input row. */
    public final double[][] predict(double[][] x) {
        return onDevice(() -> Predictor.predict(this, x, DEFAULT_BATCH_SIZE));
    }

    /**
     * The model's outputs for rows given per input in the model's order: one array per output, in order, each with
     * one row (the flattened per-sample output) per sample.
     */
    public final List<double[][]> predictAll(List<double[][]> x) {
        return onDevice(() -> Predictor.predictAll(this, x, DEFAULT_BATCH_SIZE));
    }

    /** The model's outputs for rows given per input name: one array per output, by output name, in output order. */
    public final Map<String, double[][]> predictAll(Map<String, double[][]> x) {
        return onDevice(() -> Predictor.predictAll(this, x, DEFAULT_BATCH_SIZE));
    }

    private static ArrayDataset arrays(Map<String, double[][]> x, Map<String, double[][]> y) {
        ArrayDataset.Builder b = ArrayDataset.builder();
        x.forEach(b::features);
        y.forEach(b::labels);
        return b.build();
    }

    private static ArrayDataset arrays(List<double[][]> x, List<double[][]> y) {
        ArrayDataset.Builder b = ArrayDataset.builder();
        x.forEach(b::features);
        y.forEach(b::labels);
        return b.build();
    }

    // ---- lifetime ----

    /**
     * Frees the parameters and the optimizer state, and the backend when the model selected it; waits for calls in
     * flight on other threads.
     */
    @Override
    public void close() {
        Backend device = backend;
        if (device == null) {
            release();
            return;
        }
        BackendLock.holding(device, () -> {
            release();
            return null;
        });
    }

    private synchronized void release() {
        if (closed) {
            return;
        }
        closed = true;
        super.close();
        if (setup != null) {
            OptimizerOwners.release(setup.optimizer());
            setup.optimizer().close();
        }
        if (ownsBackend) {
            backend.close();
        }
    }

    /** What {@code compile} set: the losses, optimizer and metrics training uses; fails before compile. */
    public final TrainingSetup trainingSetup() {
        return compiled();
    }

    private TrainingSetup compiled() {
        checkOpen();
        if (setup == null) {
            throw new KilnException("the model is not compiled: call compile(loss, optimizer, metrics...) first");
        }
        return setup;
    }

    private void checkOpen() {
        if (closed) {
            throw new KilnException("model '" + name() + "' was closed");
        }
        Backend device = backend;
        if (device != null && device.isClosed()) {
            throw new BackendClosedException(device, "model '" + name() + "'");
        }
    }

    private void checkBuilt() {
        if (!isBuilt()) {
            throw new KilnException("the model is not built yet: call build(inputShape), or fit or predict once");
        }
    }
}
