package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.init.Initializer;
import dev.kiln.init.Initializers;
import dev.kiln.op.Ops;
import dev.kiln.regularizer.Regularizer;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Objects;

/**
 * A lookup table of learned vectors, Keras's {@code Embedding}: ids {@code [batch, ...]} (whole numbers in
 * [0, inputDim), given as floats like every feature, or as I32) become {@code [batch, ..., outputDim]}, the rows of
 * the table {@code embeddings [inputDim, outputDim]} (uniform in [-0.05, 0.05] at first). With {@code maskZero}, id 0
 * is padding: the output carries a time-step mask that recurrent and attention layers honour, and the vocabulary's
 * ids start at 1 (so inputDim is the vocabulary size + 1), as in Keras.
 */
public final class Embedding extends SingleInputLayer {
    private final int inputDim;
    private final int outputDim;
    private boolean maskZero;
    private Initializer embeddingsInitializer = Initializers.uniform(-0.05, 0.05);
    private Regularizer embeddingsRegularizer;
    private Tensor embeddings;

    /** A table of {@code inputDim} vectors (ids 0 .. inputDim - 1) of {@code outputDim} values. */
    public Embedding(int inputDim, int outputDim) {
        if (inputDim < 1 || outputDim < 1) {
            throw new KilnException("Embedding needs inputDim >= 1 ids and outputDim >= 1 values per vector, got "
                    + inputDim + " and " + outputDim);
        }
        this.inputDim = inputDim;
        this.outputDim = outputDim;
    }

    /** Number of ids the table holds. */
    public int inputDim() {
        return inputDim;
    }

    /** Values per vector. */
    public int outputDim() {
        return outputDim;
    }

    /** Whether id 0 is padding that the following layers skip. */
    public boolean masksZero() {
        return maskZero;
    }

    /** Treats id 0 as padding: the output carries a mask [batch, time] (false by default; needs ids [batch, time]). */
    public Embedding maskZero(boolean value) {
        checkNotBuilt("change maskZero of");
        this.maskZero = value;
        return this;
    }

    /** How the table is initialised (uniform in [-0.05, 0.05] by default). */
    public Embedding embeddingsInitializer(Initializer initializer) {
        checkNotBuilt("change the embeddings initializer of");
        this.embeddingsInitializer = Objects.requireNonNull(initializer, "initializer");
        return this;
    }

    /** A penalty on the table (none by default). */
    public Embedding embeddingsRegularizer(Regularizer regularizer) {
        checkNotBuilt("change the embeddings regularizer of");
        this.embeddingsRegularizer = regularizer;
        return this;
    }

    /** The table's regularizer, or null. */
    public Regularizer embeddingsRegularizer() {
        return embeddingsRegularizer;
    }

    @Override
    public Embedding named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        if (maskZero && inputShape.rank() != 1) {
            throw badInput("with maskZero, expected ids [batch, time], got " + batchShape(inputShape));
        }
        return inputShape.append(outputDim);
    }

    @Override
    protected void createParameters(Shape inputShape, ParameterFactory factory) {
        embeddings = addParameter(factory, "embeddings", Shape.of(inputDim, outputDim), embeddingsInitializer,
                inputDim, outputDim);
        if (embeddingsRegularizer != null) {
            regularize(embeddings, embeddingsRegularizer);
        }
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        int[] ids = ids(input);
        // the indices live as long as the step's other tensors: the table's gradient scatters through them
        Tensor out = Ops.gather(embeddings, Tensor.of(input.backend(), input.shape(), ids));
        if (!maskZero) {
            return out;
        }
        double[] mask = new double[ids.length];
        for (int i = 0; i < ids.length; i++) {
            mask[i] = ids[i] == 0 ? 0 : 1;
        }
        return out.withMask(Tensor.of(input.backend(), embeddings.dtype(), input.shape(), mask));
    }

    /** The ids as ints; fails, naming the first bad one and its position, unless each is a whole number in range. */
    private int[] ids(Tensor input) {
        if (input.dtype() == DType.I32) {
            return checked(input.toIntArray(), input.shape());
        }
        double[] values = input.toDoubleArray();
        int[] ids = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (v != Math.rint(v) || v < 0 || v >= inputDim) {
                throw badId(String.valueOf(v), i, input.shape());
            }
            ids[i] = (int) v;
        }
        return ids;
    }

    private int[] checked(int[] ids, Shape shape) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= inputDim) {
                throw badId(String.valueOf(ids[i]), i, shape);
            }
        }
        return ids;
    }

    private KilnException badId(String value, int flat, Shape shape) {
        int sample = flat / Math.toIntExact(Math.max(1, shape.size() / Math.max(1, shape.dim(0))));
        return badInput("id " + value + " in sample " + sample + " (element " + flat + " of the ids " + shape
                + ") is not a whole number in [0, " + inputDim + ")" + (maskZero ? "; ids start at 1, 0 is padding"
                : ""));
    }
}
