package dev.kiln.train;

import dev.kiln.KilnException;
import dev.kiln.layer.Layer;
import dev.kiln.loss.BinaryCrossEntropy;
import dev.kiln.loss.CategoricalCrossEntropy;
import dev.kiln.loss.Loss;
import dev.kiln.tensor.Shape;
import java.util.Arrays;

/**
 * What labels a loss accepts: class indices for losses that {@link Loss#takesClassIndices() take them},
 * probability rows (one-hot) for categorical cross-entropy, values in [0, 1] for binary cross-entropy,
 * anything otherwise.
 */
enum LabelRule {
    CLASS_INDEX,
    PROBABILITY_ROW,
    UNIT_INTERVAL,
    ANY;

    private static final double ROW_SUM_TOLERANCE = 1e-3;

    static LabelRule of(Loss loss) {
        if (loss.takesClassIndices()) {
            return CLASS_INDEX;
        }
        if (loss instanceof CategoricalCrossEntropy) {
            return PROBABILITY_ROW;
        }
        if (loss instanceof BinaryCrossEntropy) {
            return UNIT_INTERVAL;
        }
        return ANY;
    }

    /** Fails unless labels of per-sample shape {@code labels} fit a model output of per-sample shape {@code output}. */
    void checkShapes(Loss loss, Shape output, Shape labels) {
        if (this == CLASS_INDEX) {
            Shape steps = output.rank() == 0 || output.rank() > 2 ? null
                    : Shape.of(Arrays.copyOf(output.dims(), output.rank() - 1));
            boolean indexShape = steps != null && (labels.equals(steps) || labels.equals(steps.append(1)));
            if (!indexShape) {
                throw new KilnException("loss '" + loss.name() + "' takes one class index per sample (labels of shape"
                        + " [?] or [?, 1]) for outputs of shape [?, classes], or one per step (labels [?, steps]) for"
                        + " outputs [?, steps, classes]; got labels " + Layer.batchShape(labels) + " and outputs "
                        + Layer.batchShape(output));
            }
        } else if (!labels.equals(output)) {
            throw new KilnException("loss '" + loss.name() + "': labels of shape " + Layer.batchShape(labels)
                    + " do not match the model's output shape " + Layer.batchShape(output));
        }
    }

    /** Fails with the sample index and valid range when label row {@code label} of sample {@code sample} is invalid. */
    void checkLabel(Loss loss, Shape output, int sample, double[] values, int offset, int length) {
        switch (this) {
            case CLASS_INDEX -> {
                int classes = output.dim(-1);
                for (int k = 0; k < length; k++) {
                    double v = values[offset + k];
                    if (v != Math.rint(v) || v < 0 || v >= classes) {
                        throw new KilnException("label of sample " + sample + (length > 1 ? " at step " + k : "")
                                + " is " + v + ", outside the class range [0, " + (classes - 1) + "] of the model's "
                                + classes + " outputs (loss '" + loss.name() + "')");
                    }
                }
            }
            case PROBABILITY_ROW -> {
                double sum = 0;
                boolean negative = false;
                for (int k = 0; k < length; k++) {
                    sum += values[offset + k];
                    negative |= values[offset + k] < 0;
                }
                if (negative || Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
                    throw new KilnException("label of sample " + sample + " is "
                            + Arrays.toString(Arrays.copyOfRange(values, offset, offset + length)) + ", not one-hot: loss '"
                            + loss.name() + "' needs rows of " + length + " non-negative values summing to 1 (a 1 at"
                            + " the class index in [0, " + (length - 1) + "]); for class indices use a sparse loss");
                }
            }
            case UNIT_INTERVAL -> {
                for (int k = 0; k < length; k++) {
                    double v = values[offset + k];
                    if (v < 0 || v > 1) {
                        throw new KilnException("label of sample " + sample + " is " + v + ", outside the range [0, 1]"
                                + " that loss '" + loss.name() + "' needs");
                    }
                }
            }
            case ANY -> {
            }
        }
    }
}
