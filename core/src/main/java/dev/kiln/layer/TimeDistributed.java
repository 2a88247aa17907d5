package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.Objects;

/**
 * Applies one layer to every time step of a sequence with the same weights, Keras's {@code TimeDistributed}: input
 * {@code [batch, time, ...]} runs through the layer as {@code [batch * time, ...]} and comes back as
 * {@code [batch, time, ...layer output]}, keeping the time-step mask. The wrapped layer takes this layer's name, so
 * its weights are {@code <name>/kernel}.
 */
public final class TimeDistributed extends SingleInputLayer {
    private final Layer layer;

    /** Applies {@code layer} (a new one-input, one-output layer) at every step. */
    public TimeDistributed(Layer layer) {
        this.layer = Objects.requireNonNull(layer, "layer");
        if (layer.hasShapes()) {
            throw new KilnException("TimeDistributed needs a new layer, but '" + layer.name() + "' was already called");
        }
        layer.named(name());
    }

    /** The layer applied at every step. */
    public Layer layer() {
        return layer;
    }

    @Override
    public TimeDistributed named(String newName) {
        super.named(newName);
        layer.named(newName);
        return this;
    }

    @Override
    protected List<Layer> sublayers() {
        return List.of(layer);
    }

    @Override
    protected Shape outputShapeFor(Shape inputShape) {
        if (inputShape.rank() < 2) {
            throw badInput("expected sequences [batch, time, ...], got " + batchShape(inputShape));
        }
        return layer.outputShapesFor(List.of(inputShape.tail())).get(0).prepend(inputShape.dim(0));
    }

    @Override
    protected void createParameters(Shape inputShape, ParameterFactory factory) {
        layer.build(inputShape.tail(), factory);
    }

    @Override
    protected Tensor compute(Tensor input, ForwardContext context) {
        int batch = input.shape().dim(0);
        int steps = input.shape().dim(1);
        Tensor steps2d = Ops.reshape(input, input.shape().tail().withDim(0, batch * steps));
        Tensor out = layer.forward(steps2d, context.enter(layer.name(), 0));
        return Ops.reshape(out, out.shape().tail().prepend(steps).prepend(batch));
    }

    @Override
    protected boolean passesMask() {
        return true;
    }
}
