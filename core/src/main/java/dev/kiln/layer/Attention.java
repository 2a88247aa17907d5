package dev.kiln.layer;

import dev.kiln.init.Initializers;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * Dot-product attention (Luong style), Keras's {@code Attention}: scores = query · key^T, times a learned scalar
 * {@code scale} (starting at 1) with {@code useScale}. See {@link AttentionLayer} for the inputs, masks and outputs.
 */
public final class Attention extends AttentionLayer<Attention> {
    private boolean useScale;
    private Tensor scale;

    /** Whether the scores are multiplied by a learned scalar. */
    @Override
    public boolean usesScale() {
        return useScale;
    }

    /** Multiplies the scores by a learned scalar starting at 1 (false by default). */
    public Attention useScale(boolean value) {
        checkNotBuilt("change useScale of");
        this.useScale = value;
        return this;
    }

    @Override
    protected void createParameters(List<Shape> inputShapes, ParameterFactory factory) {
        if (useScale) {
            scale = addParameter(factory, "scale", Shape.of(1), Initializers.constant(1), 1, 1);
        }
    }

    @Override
    Tensor scores(Tensor query, Tensor key) {
        Tensor scores = Ops.batchMatmul(query, key, false, true);
        return scale == null ? scores : Ops.mul(scores, scale);
    }
}
