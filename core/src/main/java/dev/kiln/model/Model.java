package dev.kiln.model;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradMode;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.data.ArrayDataset;
import dev.kiln.data.Dataset;
import dev.kiln.layer.Layer;
import dev.kiln.layer.ParameterFactory;
import dev.kiln.loss.Loss;
import dev.kiln.metric.Metric;
import dev.kiln.optim.Optimizer;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.Evaluation;
import dev.kiln.train.Evaluator;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import dev.kiln.train.Trainer;
import dev.kiln.train.TrainingSetup;
import java.util.ArrayList;
import java.util.List;

/**
 * A network of layers on one backend and dtype, with its training entry points: {@link #compile}, then
 * {@link #fit}, {@link #evaluate} and {@link #predict}. A model built without a backend selects one with
 * {@link Backends#select()} and closes it in {@link #close()}; a backend given by the user stays the user's.
 */
public abstract class Model implements AutoCloseable {
    /** Batch size of {@link #evaluate} and {@link #predict} when none is given. */
    public static final int DEFAULT_BATCH_SIZE = 256;

    private Backend backend;
    private boolean ownsBackend;
    private DType dtype = DType.F32;
    private long seed;
    private Shape inputShape;
    private Shape outputShape;
    private TrainingSetup setup;
    private boolean closed;

    protected Model(Backend backend) {
        this.backend = backend;
    }

    // ---- configuration ----

    /** The backend, selected on first use when none was given. */
    public final Backend backend() {
        checkOpen();
        if (backend == null) {
            backend = Backends.select();
            ownsBackend = true;
        }
        return backend;
    }

    /** The dtype of parameters and computation. */
    public final DType dtype() {
        return dtype;
    }

    /** Sets the dtype of parameters and computation (F32 by default); only before the model is built. */
    public Model dtype(DType value) {
        checkNotBuilt("change the dtype of");
        this.dtype = value;
        return this;
    }

    /** The seed the initial weights derive from. */
    public final long seed() {
        return seed;
    }

    /** Sets the seed every initial weight is derived from (0 by default); only before the model is built. */
    public Model seed(long value) {
        checkNotBuilt("change the seed of");
        this.seed = value;
        return this;
    }

    // ---- structure ----

    /** The layers, in order. */
    public abstract List<Layer> layers();

    /** Builds every layer and creates the parameters, for samples of shape {@code sampleShape} (no batch axis). */
    public final void build(Shape sampleShape) {
        checkNotBuilt("build");
        Backend b = backend();
        if (!b.supports(dtype)) {
            throw new KilnException("backend '" + b.name() + "' on " + b.device().name() + " does not support " + dtype);
        }
        outputShape = buildLayers(sampleShape, new ParameterFactory(b, dtype, seed));
        inputShape = sampleShape;
    }

    /** Builds the layers for inputs of per-sample shape {@code sampleShape}; returns the output's per-sample shape. */
    protected abstract Shape buildLayers(Shape sampleShape, ParameterFactory factory);

    /** The forward pass over built layers. */
    protected abstract Tensor forwardLayers(Tensor input, boolean training);

    /** Whether the layers and parameters exist. */
    public final boolean isBuilt() {
        return outputShape != null;
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

    /** Every parameter, layer by layer, named {@code layer/parameter}. */
    public final List<Tensor> parameters() {
        List<Tensor> all = new ArrayList<>();
        for (Layer layer : layers()) {
            all.addAll(layer.parameters());
        }
        return all;
    }

    /** The parameter called {@code name} ("dense_1/kernel"). */
    public final Tensor parameter(String name) {
        for (Tensor p : parameters()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new KilnException("no parameter '" + name + "'; the model has "
                + parameters().stream().map(Tensor::name).toList());
    }

    /** The parameters of trainable layers: those the optimizer updates. */
    public final List<Tensor> trainableParameters() {
        List<Tensor> all = new ArrayList<>();
        for (Layer layer : layers()) {
            if (layer.trainable()) {
                all.addAll(layer.parameters());
            }
        }
        return all;
    }

    /** Number of scalar parameters. */
    public final long parameterCount() {
        return layers().stream().mapToLong(Layer::parameterCount).sum();
    }

    /** Number of scalar parameters the optimizer updates. */
    public final long trainableParameterCount() {
        return layers().stream().filter(Layer::trainable).mapToLong(Layer::parameterCount).sum();
    }

    /** A printable table of the layers (name, type, output shape, parameters) and the parameter totals. */
    public final String summary() {
        checkBuilt();
        return ModelSummary.of(this);
    }

    // ---- computation ----

    /**
     * Applies the model to a batch {@code [batch, ...input shape]}; builds it on first use, on the input's backend
     * when the model has none yet.
     */
    public final Tensor forward(Tensor input, boolean training) {
        checkOpen();
        if (backend == null) {
            backend = input.backend();
        }
        if (input.backend() != backend || input.dtype() != dtype) {
            throw new KilnException("model on backend '" + backend.name() + "' with " + dtype + " got an input on "
                    + (input.backend() == backend ? "it" : "another backend object ('" + input.backend().name() + "')")
                    + " with " + input.dtype());
        }
        if (input.rank() == 0) {
            throw new KilnException("model input needs a batch axis, got a scalar");
        }
        if (!isBuilt()) {
            build(input.shape().tail());
        }
        return forwardLayers(input, training);
    }

    /** Sets the loss, optimizer and metrics for training; the model owns the optimizer from now on. */
    public Model compile(Loss loss, Optimizer optimizer, Metric... metrics) {
        checkOpen();
        TrainingSetup next = new TrainingSetup(loss, optimizer, List.of(metrics));
        if (setup != null && setup.optimizer() != optimizer) {
            setup.optimizer().close();
        }
        setup = next;
        return this;
    }

    /** Trains on {@code data}; returns the per-epoch history (also when training stopped early). */
    public final History fit(Dataset data, FitOptions options) {
        return Trainer.fit(this, compiled(), data, options);
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

    /** Loss and metrics on {@code data}. */
    public final Evaluation evaluate(Dataset data) {
        return evaluate(data, DEFAULT_BATCH_SIZE);
    }

    /** Loss and metrics on {@code data}, in batches of {@code batchSize}. */
    public final Evaluation evaluate(Dataset data, int batchSize) {
        return Evaluator.evaluate(this, compiled(), data, batchSize, true);
    }

    /** Loss and metrics on rows of x with labels y. */
    public final Evaluation evaluate(double[][] x, double[][] y) {
        return evaluate(ArrayDataset.of(x, y));
    }

    /** The model's outputs for a batch, computed without gradients; the caller owns the result. */
    public final Tensor predict(Tensor x) {
        try (GradMode.Restore ignored = GradMode.disabled()) {
            return forward(x, false);
        }
    }

    /** The model's outputs for each row of x, one output row per input row. */
    public final double[][] predict(double[][] x) {
        return Predictor.predict(this, x, DEFAULT_BATCH_SIZE);
    }

    // ---- lifetime ----

    /** Frees the parameters and the optimizer state, and the backend when the model selected it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Layer layer : layers()) {
            layer.close();
        }
        if (setup != null) {
            setup.optimizer().close();
        }
        if (ownsBackend) {
            backend.close();
        }
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
            throw new KilnException("the model was closed");
        }
    }

    private void checkBuilt() {
        if (!isBuilt()) {
            throw new KilnException("the model is not built yet: call build(inputShape), or fit or predict once");
        }
    }

    /** Throws when the model is already built; configuration setters call it. */
    protected final void checkNotBuilt(String what) {
        if (isBuilt()) {
            throw new KilnException("cannot " + what + " a model after it was built");
        }
    }
}
