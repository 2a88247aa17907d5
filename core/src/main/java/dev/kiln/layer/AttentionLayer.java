package dev.kiln.layer;

import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Attention} and {@link AdditiveAttention} share, as Keras defines them: inputs query
 * {@code [batch, Tq, dim]}, value {@code [batch, Tv, dim]} and optionally key {@code [batch, Tv, dim]} (the value
 * by default); scores {@code [batch, Tq, Tv]} from query and key, a softmax over the value steps, and the context
 * {@code [batch, Tq, dim]}, the weighted sum of the values. Padded value steps (the value's time-step mask) get no
 * weight, a causal layer lets query step i see value steps up to i only, and padded query steps give zeros and pass
 * their mask on. With {@code returnAttentionScores} the attention weights {@code [batch, Tq, Tv]} follow the context.
 *
 * @param <L> the concrete layer, returned by the setters so they chain
 */
public abstract class AttentionLayer<L extends AttentionLayer<L>> extends Layer {
    /** What a hidden score becomes before the softmax, as in Keras: far below any real score, finite in F32. */
    private static final double HIDDEN = -1e9;
    private boolean causal;
    private boolean returnAttentionScores;

    AttentionLayer() {
    }

    private L self() {
        @SuppressWarnings("unchecked")
        L self = (L) this;
        return self;
    }

    /** Whether query step i attends to value steps 0 .. i only. */
    public final boolean causal() {
        return causal;
    }

    /** Whether the attention weights follow the context as a second output. */
    public final boolean returnsAttentionScores() {
        return returnAttentionScores;
    }

    /** Lets query step i attend to value steps 0 .. i only (Keras's {@code use_causal_mask}; false by default). */
    public L causal(boolean value) {
        checkNotBuilt("change causal of");
        this.causal = value;
        return self();
    }

    /** Adds the attention weights [batch, Tq, Tv] as a second output (false by default). */
    public L returnAttentionScores(boolean value) {
        checkNotBuilt("change returnAttentionScores of");
        this.returnAttentionScores = value;
        return self();
    }

    @Override
    public L named(String newName) {
        super.named(newName);
        return self();
    }

    /** Whether the scores are scaled by learned weights. */
    public abstract boolean usesScale();

    /** The scores [batch, Tq, Tv] of the query [batch, Tq, dim] against the keys [batch, Tv, dim]. */
    abstract Tensor scores(Tensor query, Tensor key);

    @Override
    protected final List<Shape> outputShapesFor(List<Shape> inputShapes) {
        if (inputShapes.size() != 2 && inputShapes.size() != 3) {
            throw badInput("takes a query, a value and optionally a key, got " + inputShapes.size() + " inputs");
        }
        Shape query = inputShapes.get(0);
        Shape value = inputShapes.get(1);
        Shape key = inputShapes.get(inputShapes.size() - 1);
        if (query.rank() != 2 || value.rank() != 2 || !key.equals(value) || query.dim(1) != value.dim(1)) {
            throw badInput("expected a query [batch, Tq, dim] and a value (and key) [batch, Tv, dim] of the same dim,"
                    + " got " + inputShapes.stream().map(Layer::batchShape).toList());
        }
        if (causal && query.dim(0) > value.dim(0)) {
            throw badInput("a causal layer needs at least as many value steps as query steps, got Tq = "
                    + query.dim(0) + " and Tv = " + value.dim(0));
        }
        List<Shape> out = new ArrayList<>(List.of(query));
        if (returnAttentionScores) {
            out.add(Shape.of(query.dim(0), value.dim(0)));
        }
        return out;
    }

    @Override
    protected final List<Tensor> compute(List<Tensor> inputs, ForwardContext context) {
        Tensor query = inputs.get(0);
        Tensor value = inputs.get(1);
        Tensor key = inputs.get(inputs.size() - 1);
        Tensor scores = scores(query, key);
        Tensor valueMask = value.mask();
        if (valueMask != null) {
            // (1 - mask) * HIDDEN on the device: padded value steps get no weight
            Shape row = Shape.of(valueMask.shape().dim(0), 1, valueMask.shape().dim(1));
            scores = Ops.add(scores, Ops.affine(valueMask.view(row), -HIDDEN, HIDDEN));
        }
        if (causal) {
            scores = Ops.add(scores, futureScores(query.shape().dim(1), value.shape().dim(1), query));
        }
        Tensor weights = Ops.softmax(scores);
        Tensor out = Ops.batchMatmul(weights, value);
        Tensor queryMask = query.mask();
        if (queryMask != null) {
            Shape column = Shape.of(queryMask.shape().dim(0), queryMask.shape().dim(1), 1);
            out = Ops.mask(out, queryMask.view(column)).withMask(queryMask);
        }
        return returnAttentionScores ? List.of(out, weights) : List.of(out);
    }

    /** HIDDEN where query step i would see a later value step j > i, else 0: [1, queries, values]. */
    private static Tensor futureScores(int queries, int values, Tensor like) {
        double[] hidden = new double[queries * values];
        for (int i = 0; i < queries; i++) {
            for (int j = i + 1; j < values; j++) {
                hidden[i * values + j] = HIDDEN;
            }
        }
        return Tensor.of(like.backend(), like.dtype(), Shape.of(1, queries, values), hidden);
    }
}
