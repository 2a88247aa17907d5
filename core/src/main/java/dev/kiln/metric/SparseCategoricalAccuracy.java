package dev.kiln.metric;

import dev.kiln.backend.BinaryOp;
import dev.kiln.loss.ClassIndices;
import dev.kiln.op.InPlaceOps;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/**
 * 1 for a sample whose predicted class argmax(prediction) equals its I32 class index target ([n] or [n, 1]), else
 * 0 (also for an index outside [0, classes)); for sequence outputs [n, steps, classes], the share of steps right.
 */
public final class SparseCategoricalAccuracy extends BatchMetric {

    /** Accuracy against class-index targets. */
    public SparseCategoricalAccuracy() {
        super("sparse_categorical_accuracy");
    }

    @Override
    boolean takesClassIndices() {
        return true;
    }

    @Override
    void checkShapes(Tensor predictions, Tensor targets) {
        ClassIndices.check(name(), predictions, targets);
    }

    // Predictions [n, classes] take one device call; sequence outputs average their steps per sample first.
    @Override
    public void addBatchTotal(Tensor total, Tensor predictions, Tensor targets) {
        check(predictions, targets);
        if (predictions.rank() == 2) {
            InPlaceOps.addArgmaxMatches(total, predictions, targets);
        } else {
            super.addBatchTotal(total, predictions, targets);
        }
    }

    // argmax of the one-hot row is the index itself; the row sum (0 for an out-of-range index) keeps such a sample wrong.
    @Override
    Tensor perSample(Tensor predictions, Tensor targets) {
        return ClassIndices.perSample(predictions, targets, (rows, indices) -> {
            Tensor oneHot = ClassIndices.oneHot(indices, rows);
            Tensor same = Ops.compare(BinaryOp.EQUAL, Ops.argmax(rows, 1), Ops.argmax(oneHot, 1));
            return Ops.mul(same, Ops.sum(oneHot, 1));
        });
    }
}
