package dev.kiln.layer;

import dev.kiln.init.Initializers;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * Additive attention (Bahdanau style), Keras's {@code AdditiveAttention}: score[i, j] = sum over d of
 * scale[d] * tanh(query[i, d] + key[j, d]), with a learned {@code scale} [dim] (Glorot uniform) when
 * {@code useScale} (the default), else scale = 1. See {@link AttentionLayer} for the inputs, masks and outputs.
 */
public final class AdditiveAttention extends AttentionLayer<AdditiveAttention> {
    private boolean useScale = true;
    private Tensor scale;

    /** Whether the tanh terms are weighted by a learned vector. */
    @Override
    public boolean usesScale() {
        return useScale;
    }

    /** Weights the tanh terms by a learned vector [dim] (true by default). */
    public AdditiveAttention useScale(boolean value) {
        checkNotBuilt("change useScale of");
        this.useScale = value;
        return this;
    }

    @Override
    protected void createParameters(List<Shape> inputShapes, ParameterFactory factory) {
        if (useScale) {
            int dim = inputShapes.get(0).dim(1);
            scale = addParameter(factory, "scale", Shape.of(dim), Initializers.glorotUniform(), dim, dim);
        }
    }

    @Override
    Tensor scores(Tensor query, Tensor key) {
        int batch = query.shape().dim(0);
        int queries = query.shape().dim(1);
        int values = key.shape().dim(1);
        int dim = query.shape().dim(2);
        // Two broadcasts, as one would alternate between broadcast and full axes too often for the backends.
        Tensor spread = Ops.add(Ops.reshape(query, Shape.of(batch, queries, 1, dim)),
                Tensor.zeros(query.backend(), query.dtype(), Shape.of(1, 1, values, 1)));
        Tensor terms = Ops.tanh(Ops.add(spread, Ops.reshape(key, Shape.of(batch, 1, values, dim))));
        if (scale != null) {
            terms = Ops.mul(terms, scale);
        }
        return Ops.sum(terms, 3);
    }
}
