package dev.kiln.layer;

import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.List;
import java.util.function.BinaryOperator;

/** A layer combining two or more inputs of one shape element-wise into one output of that shape. */
public abstract class Merge extends Layer {

    /** The combination of the inputs, all of the same shape. */
    protected abstract Tensor combine(List<Tensor> inputs);

    /** Throws unless the layer takes {@code count} inputs; two or more by default. */
    protected void checkInputCount(int count) {
        if (count < 2) {
            throw badInput("needs at least 2 inputs, got " + count);
        }
    }

    @Override
    protected final List<Shape> outputShapesFor(List<Shape> inputShapes) {
        checkInputCount(inputShapes.size());
        for (Shape shape : inputShapes) {
            if (!shape.equals(inputShapes.get(0))) {
                throw badInput("needs inputs of one shape, got " + inputShapes.stream().map(Layer::batchShape).toList());
            }
        }
        return List.of(inputShapes.get(0));
    }

    /** The inputs combined left to right by {@code op}: op(op(x1, x2), x3)... */
    protected static Tensor fold(List<Tensor> inputs, BinaryOperator<Tensor> op) {
        Tensor y = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            y = op.apply(y, inputs.get(i));
        }
        return y;
    }

    @Override
    protected final List<Tensor> compute(List<Tensor> inputs, ForwardContext context) {
        return List.of(combine(inputs));
    }
}
