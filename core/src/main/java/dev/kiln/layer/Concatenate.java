package dev.kiln.layer;

import dev.kiln.op.ShapeOps;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** Joins its inputs along one axis of the sample (the last by default); every other axis must agree. */
public final class Concatenate extends Layer {
    private final int axis;

    /** Joins along the last axis. */
    public Concatenate() {
        this(-1);
    }

    /** Joins along sample axis {@code axis} (0 is the first axis after the batch; negative counts from the end). */
    public Concatenate(int axis) {
        this.axis = axis;
    }

    /** The sample axis joined along, as given. */
    public int axis() {
        return axis;
    }

    @Override
    public Concatenate named(String newName) {
        super.named(newName);
        return this;
    }

    @Override
    protected List<Shape> outputShapesFor(List<Shape> inputShapes) {
        if (inputShapes.size() < 2) {
            throw badInput("needs at least 2 inputs, got " + inputShapes.size());
        }
        Shape first = inputShapes.get(0);
        if (first.rank() == 0 || axis >= first.rank() || axis < -first.rank()) {
            throw badInput("cannot join along axis " + axis + " of samples of shape " + batchShape(first));
        }
        int a = first.normalizeAxis(axis);
        int joined = 0;
        for (Shape shape : inputShapes) {
            if (shape.rank() != first.rank() || !shape.withDim(a, 1).equals(first.withDim(a, 1))) {
                throw badInput("needs inputs that agree on every axis but " + axis + ", got "
                        + inputShapes.stream().map(Layer::batchShape).toList());
            }
            joined += shape.dim(a);
        }
        return List.of(first.withDim(a, joined));
    }

    @Override
    protected List<Tensor> compute(List<Tensor> inputs, ForwardContext context) {
        return List.of(ShapeOps.concat(inputs, inputShapes().get(0).normalizeAxis(axis) + 1));
    }
}
