package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeOps;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a recurrent layer over the sequence in both directions and merges the two outputs, Keras's
 * {@code Bidirectional}: the given layer reads forwards, a copy of its settings (with its own weights) reads
 * backwards, and their outputs are concatenated (the default), summed, multiplied or averaged; with
 * {@code returnSequences} the backward layer's sequence is flipped back into the input's time order, and padded steps
 * are zero. The given layer is configured before wrapping (its setters fail afterwards, as the copy would not
 * follow). With
 * {@code returnState} the final states follow: the forward layer's, then the backward one's. Initial states, when
 * given, are the forward layer's followed by the backward layer's. The weights are named
 * {@code <name>_forward/kernel} and {@code <name>_backward/kernel}.
 */
public final class Bidirectional extends Layer {
    /** How the two directions' outputs combine. */
    public enum MergeMode {
        CONCAT, SUM, MUL, AVE;

        /** Keras's name ("concat", "sum", "mul", "ave"). */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The mode Keras calls {@code key}. */
        public static MergeMode parse(String key) {
            for (MergeMode mode : values()) {
                if (mode.key().equals(key)) {
                    return mode;
                }
            }
            throw new KilnException("unknown merge mode '" + key + "'; expected one of concat, sum, mul, ave");
        }
    }

    private final RecurrentLayer<?> forwardLayer;
    private final RecurrentLayer<?> backwardLayer;
    private final MergeMode mergeMode;

    /** Both directions of {@code layer}, concatenated. */
    public Bidirectional(RecurrentLayer<?> layer) {
        this(layer, MergeMode.CONCAT);
    }

    /** Both directions of {@code layer} (a new, unbuilt layer), merged by {@code mergeMode}. */
    public Bidirectional(RecurrentLayer<?> layer, MergeMode mergeMode) {
        Objects.requireNonNull(layer, "layer");
        if (layer.hasShapes()) {
            throw new KilnException("Bidirectional needs a new layer, but '" + layer.name() + "' was already called");
        }
        this.mergeMode = Objects.requireNonNull(mergeMode, "mergeMode");
        this.forwardLayer = layer;
        this.backwardLayer = layer.copySettings().goBackwards(!layer.goesBackwards());
        forwardLayer.wrapped(layer.returnsSequences(), false);
        backwardLayer.wrapped(layer.returnsSequences(), true);
        nameDirections();
    }

    /** The layer reading forwards (the one given). */
    public RecurrentLayer<?> forwardLayer() {
        return forwardLayer;
    }

    /** The copy reading backwards. */
    public RecurrentLayer<?> backwardLayer() {
        return backwardLayer;
    }

    /** How the outputs combine. */
    public MergeMode mergeMode() {
        return mergeMode;
    }

    @Override
    public Bidirectional named(String newName) {
        super.named(newName);
        nameDirections();
        return this;
    }

    @Override
    public Bidirectional trainable(boolean value) {
        super.trainable(value);
        return this;
    }

    private void nameDirections() {
        forwardLayer.named(name() + "_forward");
        backwardLayer.named(name() + "_backward");
    }

    @Override
    protected List<Layer> sublayers() {
        return List.of(forwardLayer, backwardLayer);
    }

    @Override
    protected Map<String, Tensor> weightsByName() {
        Map<String, Tensor> named = new LinkedHashMap<>();
        forwardLayer.weightsByName().forEach((name, w) -> named.put("forward/" + name, w));
        backwardLayer.weightsByName().forEach((name, w) -> named.put("backward/" + name, w));
        return named;
    }

    @Override
    protected List<Shape> outputShapesFor(List<Shape> inputShapes) {
        int states = forwardLayer.cell().stateBlocks();
        if (inputShapes.size() != 1 && inputShapes.size() != 1 + 2 * states) {
            throw badInput("takes a sequence and optionally " + 2 * states + " initial states (the forward layer's,"
                    + " then the backward one's), got " + inputShapes.size() + " inputs");
        }
        List<Shape> one = forwardLayer.outputShapesFor(inputShapes.subList(0, 1 + (inputShapes.size() - 1) / 2));
        Shape output = one.get(0);
        List<Shape> out = new ArrayList<>();
        out.add(mergeMode == MergeMode.CONCAT ? output.withDim(-1, 2 * output.dim(-1)) : output);
        for (int i = 0; i < 2; i++) {
            out.addAll(one.subList(1, one.size()));
        }
        return out;
    }

    @Override
    protected void createParameters(List<Shape> inputShapes, ParameterFactory factory) {
        List<Shape> direction = inputShapes.subList(0, 1 + (inputShapes.size() - 1) / 2);
        forwardLayer.build(direction, factory);
        backwardLayer.build(direction, factory);
    }

    @Override
    protected List<Tensor> compute(List<Tensor> inputs, ForwardContext context) {
        int states = (inputs.size() - 1) / 2;
        List<Tensor> forwardInputs = new ArrayList<>(inputs.subList(0, 1 + states));
        List<Tensor> backwardInputs = new ArrayList<>(List.of(inputs.get(0)));
        backwardInputs.addAll(inputs.subList(1 + states, inputs.size()));
        List<Tensor> ahead = forwardLayer.forwardAll(forwardInputs, context.enter(forwardLayer.name(), 0));
        List<Tensor> behind = backwardLayer.forwardAll(backwardInputs, context.enter(backwardLayer.name(), 0));
        Tensor a = ahead.get(0);
        Tensor b = behind.get(0);
        Tensor merged = switch (mergeMode) {
            case CONCAT -> ShapeOps.concat(List.of(a, b), -1);
            case SUM -> Ops.add(a, b);
            case MUL -> Ops.mul(a, b);
            case AVE -> Ops.affine(Ops.add(a, b), 0.5, 0);
        };
        if (a.mask() != null) {
            merged.withMask(a.mask());
        }
        List<Tensor> out = new ArrayList<>();
        out.add(merged);
        out.addAll(ahead.subList(1, ahead.size()));
        out.addAll(behind.subList(1, behind.size()));
        return out;
    }
}
