package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.init.Initializer;
import dev.kiln.init.Initializers;
import dev.kiln.op.Ops;
import dev.kiln.op.RecurrentCell;
import dev.kiln.op.RecurrentOps;
import dev.kiln.op.ShapeOps;
import dev.kiln.regularizer.Regularizer;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link SimpleRNN}, {@link LSTM} and {@link GRU} share, with Keras's settings and weight layout: sequences
 * {@code [batch, time, features]} in, the last output {@code [batch, units]} or every output {@code [batch, time,
 * units]} out ({@code returnSequences}), optionally followed by the final states ({@code returnState}: h, and c for
 * an LSTM). Optional inputs after the sequence give the initial states (h, and c for an LSTM, each
 * {@code [batch, units]}); they start at zero otherwise. The kernel [features, gates * units] is Glorot-uniform, the
 * recurrent kernel [units, gates * units] orthogonal, the bias zero. A time-step mask on the input (from
 * {@code Embedding.maskZero}) makes the padded steps keep the previous state, so they change neither the last
 * output nor any gradient; the output sequence carries the mask on and shows the carried-over state at a padded
 * step, as Keras does (the sparse losses then leave those steps out). The loop runs as one op with fused cell
 * kernels (see {@link RecurrentOps}); clip gradients through the optimizer ({@code clipNorm}) for long sequences.
 *
 * @param <L> the concrete layer, returned by the setters so they chain
 */
public abstract class RecurrentLayer<L extends RecurrentLayer<L>> extends Layer {
    private final int units;
    private RecurrentCell cell;
    private boolean returnSequences;
    private boolean returnState;
    private boolean goBackwards;
    private boolean zeroOutputForMask;
    private boolean flipSequence;
    private boolean wrapped;
    private boolean useBias = true;
    private Initializer kernelInitializer = Initializers.glorotUniform();
    private Initializer recurrentInitializer = Initializers.orthogonal();
    private Initializer biasInitializer = Initializers.zeros();
    private Regularizer kernelRegularizer;
    private Regularizer recurrentRegularizer;
    private Regularizer biasRegularizer;
    private Tensor kernel;
    private Tensor recurrentKernel;
    private Tensor bias;

    RecurrentLayer(RecurrentCell cell, int units) {
        if (units < 1) {
            throw new KilnException(getClass().getSimpleName() + " needs at least 1 unit, got " + units);
        }
        this.cell = cell;
        this.units = units;
    }

    /** The layer itself, typed as the subclass, for chained setters. */
    private L self() {
        @SuppressWarnings("unchecked")
        L self = (L) this;
        return self;
    }

    /** A new, unbuilt layer of this class with the same settings (for {@link Bidirectional}'s backward copy). */
    abstract L copySettings();

    /** Copies every setting of this layer onto {@code target}, a fresh layer of the same class and units. */
    final L copySettingsTo(L target) {
        RecurrentLayer<L> t = target;
        t.cell = cell;
        t.returnSequences = returnSequences;
        t.returnState = returnState;
        t.goBackwards = goBackwards;
        t.useBias = useBias;
        t.kernelInitializer = kernelInitializer;
        t.recurrentInitializer = recurrentInitializer;
        t.biasInitializer = biasInitializer;
        t.kernelRegularizer = kernelRegularizer;
        t.recurrentRegularizer = recurrentRegularizer;
        t.biasRegularizer = biasRegularizer;
        target.trainable(trainable());
        return target;
    }

    /** The cell this layer runs. */
    public final RecurrentCell cell() {
        return cell;
    }

    /** Switches to another variant of this layer's cell (a GRU's reset_after), before the layer is built. */
    final void cell(RecurrentCell variant) {
        this.cell = variant;
    }

    /** Units: the size of h (and c). */
    public final int units() {
        return units;
    }

    /** Whether the output is every step's output [batch, time, units] rather than the last [batch, units]. */
    public final boolean returnsSequences() {
        return returnSequences;
    }

    /** Whether the final states follow the output. */
    public final boolean returnsState() {
        return returnState;
    }

    /** Whether the layer reads the sequence from its end (and returns the sequence of outputs in that order). */
    public final boolean goesBackwards() {
        return goBackwards;
    }

    /** Whether a bias is added. */
    public final boolean usesBias() {
        return useBias;
    }

    /** Returns every step's output [batch, time, units] (false by default: the last one, [batch, units]). */
    public L returnSequences(boolean value) {
        checkConfigurable("change returnSequences of");
        this.returnSequences = value;
        return self();
    }

    /** Adds the final states (h, and c for an LSTM) as outputs after the output (false by default). */
    public L returnState(boolean value) {
        checkConfigurable("change returnState of");
        this.returnState = value;
        return self();
    }

    /** Reads the sequence from the last step to the first, as Keras's {@code go_backwards} (false by default). */
    public L goBackwards(boolean value) {
        checkConfigurable("change goBackwards of");
        this.goBackwards = value;
        return self();
    }

    /** Whether a bias is added (true by default). */
    public L useBias(boolean value) {
        checkConfigurable("change the bias of");
        this.useBias = value;
        return self();
    }

    /** How the kernel is initialised (Glorot uniform by default). */
    public L kernelInitializer(Initializer initializer) {
        checkConfigurable("change the kernel initializer of");
        this.kernelInitializer = Objects.requireNonNull(initializer, "initializer");
        return self();
    }

    /** How the recurrent kernel is initialised (orthogonal by default). */
    public L recurrentInitializer(Initializer initializer) {
        checkConfigurable("change the recurrent initializer of");
        this.recurrentInitializer = Objects.requireNonNull(initializer, "initializer");
        return self();
    }

    /** How the bias is initialised (zeros by default; an LSTM then sets its forget gate's block to 1). */
    public L biasInitializer(Initializer initializer) {
        checkConfigurable("change the bias initializer of");
        this.biasInitializer = Objects.requireNonNull(initializer, "initializer");
        return self();
    }

    /** A penalty on the kernel (none by default). */
    public L kernelRegularizer(Regularizer regularizer) {
        checkConfigurable("change the kernel regularizer of");
        this.kernelRegularizer = regularizer;
        return self();
    }

    /** A penalty on the recurrent kernel (none by default). */
    public L recurrentRegularizer(Regularizer regularizer) {
        checkConfigurable("change the recurrent regularizer of");
        this.recurrentRegularizer = regularizer;
        return self();
    }

    /** A penalty on the bias (none by default). */
    public L biasRegularizer(Regularizer regularizer) {
        checkConfigurable("change the bias regularizer of");
        this.biasRegularizer = regularizer;
        return self();
    }

    /** The kernel's regularizer, or null. */
    public final Regularizer kernelRegularizer() {
        return kernelRegularizer;
    }

    /** The recurrent kernel's regularizer, or null. */
    public final Regularizer recurrentRegularizer() {
        return recurrentRegularizer;
    }

    /** The bias's regularizer, or null. */
    public final Regularizer biasRegularizer() {
        return biasRegularizer;
    }

    /**
     * Bidirectional's settings, which also freeze this layer's: zeros at the masked steps of the output sequence
     * instead of the carried state, and, for its backward layer, the output sequence flipped in time (as Keras flips
     * it: back into the input's order when the layer reads backwards).
     */
    final void wrapped(boolean zeroOutputForMask, boolean flipSequence) {
        this.zeroOutputForMask = zeroOutputForMask;
        this.flipSequence = flipSequence;
        this.wrapped = true;
    }

    /** Fails when the layer is built, or wrapped in a Bidirectional that copied its settings. */
    final void checkConfigurable(String what) {
        checkNotBuilt(what);
        if (wrapped) {
            throw badInput("cannot " + what + " a layer inside a Bidirectional: configure it before wrapping it");
        }
    }

    @Override
    public L named(String newName) {
        super.named(newName);
        return self();
    }

    @Override
    public L trainable(boolean value) {
        super.trainable(value);
        return self();
    }

    // ---- shapes and parameters ----

    @Override
    protected final List<Shape> outputShapesFor(List<Shape> inputShapes) {
        int states = cell.stateBlocks();
        if (inputShapes.size() != 1 && inputShapes.size() != 1 + states) {
            throw badInput("takes a sequence and optionally " + states + " initial state" + (states == 1 ? "" : "s")
                    + ", got " + inputShapes.size() + " inputs");
        }
        Shape sequence = inputShapes.get(0);
        if (sequence.rank() != 2) {
            throw badInput("expected sequences [batch, time, features], got " + batchShape(sequence)
                    + (sequence.rank() == 1 ? "; add a feature axis with Reshape(time, 1), or put an Embedding first"
                    : ""));
        }
        for (int i = 1; i < inputShapes.size(); i++) {
            if (!inputShapes.get(i).equals(Shape.of(units))) {
                throw badInput("expected initial states [batch, " + units + "], got " + batchShape(inputShapes.get(i))
                        + " for input " + i);
            }
        }
        List<Shape> out = new ArrayList<>();
        out.add(returnSequences ? Shape.of(sequence.dim(0), units) : Shape.of(units));
        if (returnState) {
            for (int i = 0; i < states; i++) {
                out.add(Shape.of(units));
            }
        }
        return out;
    }

    @Override
    protected final void createParameters(List<Shape> inputShapes, ParameterFactory factory) {
        int features = inputShapes.get(0).dim(1);
        int width = cell.gates() * units;
        kernel = addParameter(factory, "kernel", Shape.of(features, width), kernelInitializer, features, width);
        recurrentKernel = addParameter(factory, "recurrent_kernel", Shape.of(units, width), recurrentInitializer,
                units, width);
        if (kernelRegularizer != null) {
            regularize(kernel, kernelRegularizer);
        }
        if (recurrentRegularizer != null) {
            regularize(recurrentKernel, recurrentRegularizer);
        }
        if (useBias) {
            bias = addParameter(factory, "bias", biasShape(), biasInitializerFor(biasInitializer), features, width);
            if (biasRegularizer != null) {
                regularize(bias, biasRegularizer);
            }
        }
    }

    /** The bias's shape in Keras's layout: [gates * units], or a GRU's [2, 3 * units]. */
    Shape biasShape() {
        return Shape.of(cell.gates() * units);
    }

    /** How the bias starts: the user's initializer, which an LSTM completes with its forget-gate ones. */
    Initializer biasInitializerFor(Initializer initializer) {
        return initializer;
    }

    /** The bias added to the input projections, [gates * units]. */
    Tensor inputBias(Tensor bias) {
        return bias;
    }

    /** The bias added to the recurrent product inside the cell (a GRU's), or null. */
    Tensor recurrentBias(Tensor bias) {
        return null;
    }

    // ---- computation ----

    @Override
    protected final List<Tensor> compute(List<Tensor> inputs, ForwardContext context) {
        Tensor x = inputs.get(0);
        int batch = x.shape().dim(0);
        int steps = x.shape().dim(1);
        int features = x.shape().dim(2);
        int width = cell.gates() * units;
        Tensor timeMajor = Ops.reshape(Ops.permute(x, 1, 0, 2), Shape.of(steps * batch, features));
        Tensor projections = Ops.matmul(timeMajor, kernel);
        if (bias != null) {
            projections = Ops.add(projections, inputBias(bias));
        }
        Tensor gates = Ops.reshape(projections, Shape.of(steps, batch, width));
        Tensor mask = timeMajorMask(x.mask());
        if (goBackwards) {
            gates = RecurrentOps.reverseTime(gates);
            mask = mask == null ? null : RecurrentOps.reverseTime(mask);
        }
        Tensor states = RecurrentOps.recurrence(cell, gates, recurrentKernel, bias == null ? null : recurrentBias(bias),
                initialState(inputs, batch), mask);
        List<Tensor> outputs = new ArrayList<>();
        outputs.add(returnSequences ? sequence(states, steps, batch, mask) : lastState(states, steps, batch, 0));
        if (returnState) {
            for (int block = 0; block < cell.stateBlocks(); block++) {
                outputs.add(lastState(states, steps, batch, block));
            }
        }
        return outputs;
    }

    /** The mask [batch, time] as [time, batch], or null. */
    private static Tensor timeMajorMask(Tensor mask) {
        return mask == null ? null : Ops.transpose(mask);
    }

    /** The initial states given as inputs, joined into one [batch, stateBlocks * units], or zeros. */
    private Tensor initialState(List<Tensor> inputs, int batch) {
        if (inputs.size() == 1) {
            return Tensor.zeros(inputs.get(0).backend(), inputs.get(0).dtype(),
                    Shape.of(batch, cell.stateBlocks() * units));
        }
        return inputs.size() == 2 ? inputs.get(1) : ShapeOps.concat(inputs.subList(1, inputs.size()), 1);
    }

    /** Every step's h as [batch, time, units] in reading order (flipped for Bidirectional), carrying the mask. */
    private Tensor sequence(Tensor states, int steps, int batch, Tensor timeMajorMask) {
        Tensor after = ShapeOps.narrow(states, 0, 1, steps);
        Tensor hidden = cell.stateBlocks() == 1 ? after : ShapeOps.narrow(after, 2, 0, units);
        Tensor out = Ops.permute(flipSequence ? RecurrentOps.reverseTime(hidden) : hidden, 1, 0, 2);
        if (timeMajorMask == null) {
            return out;
        }
        Tensor mask = Ops.transpose(flipSequence ? RecurrentOps.reverseTime(timeMajorMask) : timeMajorMask);
        if (zeroOutputForMask) {
            out = Ops.mask(out, mask.view(Shape.of(batch, steps, 1)));
        }
        return out.withMask(mask);
    }

    /** Block {@code block} (0 for h, 1 for c) of the state after the last step, [batch, units]. */
    private Tensor lastState(Tensor states, int steps, int batch, int block) {
        Tensor last = Ops.reshape(ShapeOps.narrow(states, 0, steps, 1), Shape.of(batch, cell.stateBlocks() * units));
        return cell.stateBlocks() == 1 ? last : ShapeOps.narrow(last, 1, block * units, units);
    }
}
