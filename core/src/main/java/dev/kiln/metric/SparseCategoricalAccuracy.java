package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.backend.BinaryOp;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/** 1 for a sample whose predicted class argmax(prediction) equals its class index target ([n] or [n, 1]), else 0. */
public final class SparseCategoricalAccuracy extends BatchMetric {

    public SparseCategoricalAccuracy() {
        super("sparse_categorical_accuracy");
    }

    @Override
    void checkShapes(Tensor predictions, Tensor targets) {
        requireMatrix(predictions);
        int n = predictions.shape().dim(0);
        boolean column = targets.rank() == 2 && targets.shape().dim(1) == 1;
        if (!(targets.rank() == 1 || column) || targets.shape().dim(0) != n) {
            throw new KilnException(name() + ": predictions of shape " + predictions.shape()
                    + " need class indices of shape [" + n + "] or [" + n + ", 1], got targets of shape "
                    + targets.shape());
        }
    }

    @Override
    Tensor perSample(Tensor predictions, Tensor targets) {
        Tensor indices = targets.view(Shape.of(targets.shape().dim(0)));
        return Ops.compare(BinaryOp.EQUAL, Ops.argmax(predictions, 1), indices);
    }
}
