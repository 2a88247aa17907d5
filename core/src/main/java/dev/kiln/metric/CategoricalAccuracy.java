package dev.kiln.metric;

import dev.kiln.backend.BinaryOp;
import dev.kiln.op.InPlaceOps;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/** 1 for a sample whose predicted class argmax(prediction) equals argmax(one-hot target), else 0. */
public final class CategoricalAccuracy extends BatchMetric {

    /** Accuracy against one-hot targets. */
    public CategoricalAccuracy() {
        super("categorical_accuracy");
    }

    @Override
    void checkShapes(Tensor predictions, Tensor targets) {
        super.checkShapes(predictions, targets);
        requireMatrix(predictions);
    }

    // One device call: argmax of both, compare, sum and the add into the total, fused.
    @Override
    public void addBatchTotal(Tensor total, Tensor predictions, Tensor targets) {
        check(predictions, targets);
        InPlaceOps.addArgmaxMatches(total, predictions, targets);
    }

    @Override
    Tensor perSample(Tensor predictions, Tensor targets) {
        return Ops.compare(BinaryOp.EQUAL, Ops.argmax(predictions, 1), Ops.argmax(targets, 1));
    }
}
