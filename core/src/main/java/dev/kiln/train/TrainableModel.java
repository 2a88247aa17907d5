package dev.kiln.train;

import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.layer.ForwardContext;
import dev.kiln.regularizer.RegularizedWeight;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the training loop needs of a model: where it runs, how to build and run it, its parameters, and the names
 * and shapes of its inputs and outputs. {@code dev.kiln.model.Model} implements it; the training package depends
 * on this interface only, so models depend on training and not the other way round.
 */
public interface TrainableModel extends AutoCloseable {

    /** The model's name, for messages. */
    String name();

    /** The backend the model computes on. */
    Backend backend();

    /** The dtype of its parameters and computation. */
    DType dtype();

    /** The seed its training steps' random streams derive from. */
    long seed();

    /** Training steps taken so far, over every fit; a step's random stream is numbered by it. */
    long trainingSteps();

    /** Sets the count of training steps taken, as a checkpoint being resumed recorded it. */
    void trainingSteps(long steps);

    /** Whether the parameters exist. */
    boolean isBuilt();

    /** Builds the model for one per-sample shape (no batch axis) per input. */
    void build(List<Shape> sampleShapes);

    /** Whether the input and output shapes are known. */
    boolean hasShapes();

    /** Runs the model on one batch per input; returns one batch per output. */
    List<Tensor> forwardAll(List<Tensor> inputs, ForwardContext context);

    /** Every parameter, trainable or frozen, each once. */
    List<Tensor> parameters();

    /** The parameters the optimizer updates. */
    List<Tensor> trainableParameters();

    /** The trainable parameters that carry a regularizer, whose penalties join the training loss. */
    List<RegularizedWeight> regularizedWeights();

    /** Every weight a checkpoint holds: the parameters, then the state. */
    List<Tensor> weights();

    /** The state weights (running statistics): the weights that are not parameters. */
    default List<Tensor> stateWeights() {
        List<Tensor> parameters = parameters();
        List<Tensor> state = new ArrayList<>();
        for (Tensor w : weights()) {
            if (parameters.stream().noneMatch(p -> p == w)) {
                state.add(w);
            }
        }
        return state;
    }

    /** Every weight by its name in the model ("dense_1/kernel"), as saved models and checkpoints name them. */
    Map<String, Tensor> namedWeights();

    /** The names of the inputs, in the order {@link #forwardAll} takes them; only once the shapes are known. */
    List<String> inputNames();

    /** The per-sample input shapes, in order; only once the shapes are known. */
    List<Shape> inputShapes();

    /**
     * The names of the outputs, in the order {@link #forwardAll} returns them: the name of the layer producing each;
     * only once the shapes are known.
     */
    List<String> outputNames();

    /** The per-sample output shapes, in order; only once the shapes are known. */
    List<Shape> outputShapes();

    /** A printable table of the layers and the parameter totals; only once built. */
    String summary();

    /**
     * A model of the same layers, names, dtype and seed built on {@code device}, whose weights the caller sets, for
     * training on several devices; only once built. The caller closes it.
     */
    TrainableModel replicaOn(Backend device);

    /** Frees the model's weights (and what else it owns). */
    @Override
    void close();
}
