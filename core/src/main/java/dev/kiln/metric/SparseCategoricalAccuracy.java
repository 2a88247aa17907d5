package dev.kiln.metric;

import dev.kiln.backend.BinaryOp;
import dev.kiln.loss.ClassIndices;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/** 1 for a sample whose predicted class argmax(prediction) equals its class index target ([n] or [n, 1]), else 0. */
public final class SparseCategoricalAccuracy extends BatchMetric {

    /** Accuracy against class-index targets. */
    public SparseCategoricalAccuracy() {
        super("sparse_categorical_accuracy");
    }

    @Override
    void checkShapes(Tensor predictions, Tensor targets) {
        ClassIndices.check(name(), predictions, targets);
    }

    @Override
    Tensor perSample(Tensor predictions, Tensor targets) {
        Tensor indices = targets.view(Shape.of(targets.shape().dim(0)));
        return Ops.compare(BinaryOp.EQUAL, Ops.argmax(predictions, 1), indices);
    }
}
