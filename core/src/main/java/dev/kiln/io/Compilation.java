package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.loss.PerSampleLoss;
import dev.kiln.loss.Reduction;
import dev.kiln.metric.Metric;
import dev.kiln.metric.Metrics;
import java.util.Arrays;
import java.util.List;

/**
 * How a saved model's outputs are scored and read: the loss and metrics it was trained with, by name, for a
 * classifier the class names in output order, and for a regressor trained on a scaled target that scaling, so
 * that it can be evaluated and its outputs read in the target's own units later without repeating them.
 *
 * @param loss the loss name ("mse", "categorical_crossentropy")
 * @param metrics the metric names
 * @param classes the class name of each output (or class index), empty when the labels are numbers
 * @param target the scaling the targets were trained in, one column per output ({@code y = y' * scale + shift}
 *     turns an output back into target units), or null when the outputs are in the targets' own units
 * @param fromLogits whether the loss read the outputs as logits (a cross-entropy's {@code from_logits})
 * @param reduction how the loss combined the samples of a batch
 */
public record Compilation(String loss, List<String> metrics, List<String> classes, Standardization target,
                          boolean fromLogits, Reduction reduction) {
    public Compilation {
        metrics = List.copyOf(metrics);
        classes = List.copyOf(classes);
        if (reduction == null) {
            reduction = Reduction.MEAN;
        }
    }

    /** A compilation of a loss on probabilities, averaged over the batch. */
    public Compilation(String loss, List<String> metrics, List<String> classes, Standardization target) {
        this(loss, metrics, classes, target, false, Reduction.MEAN);
    }

    /** A compilation whose outputs are in the targets' own units. */
    public Compilation(String loss, List<String> metrics, List<String> classes) {
        this(loss, metrics, classes, null);
    }

    /** The names of {@code loss} and {@code metrics}, with numeric labels, and how the loss reads and reduces. */
    public static Compilation of(Loss loss, Metric... metrics) {
        Reduction reduction = loss instanceof PerSampleLoss p ? p.reduction() : Reduction.MEAN;
        return new Compilation(loss.name(), Arrays.stream(metrics).map(Metric::name).toList(), List.of(), null,
                loss.fromLogits(), reduction);
    }

    /** This compilation with the class names of the outputs, in order. */
    public Compilation withClasses(List<String> names) {
        return new Compilation(loss, metrics, names, target, fromLogits, reduction);
    }

    /** This compilation with the scaling the targets were trained in. */
    public Compilation withTarget(Standardization scaling) {
        return new Compilation(loss, metrics, classes, scaling, fromLogits, reduction);
    }

    /** The loss as it was compiled: its name, {@code from_logits} and reduction. */
    public Loss newLoss() {
        return Losses.byName(loss, fromLogits, reduction);
    }

    /**
     * Fails, naming the field after {@code where}, unless the loss and every metric are built-in ones that can be
     * rebuilt by name, as evaluating a saved model does.
     */
    void requireKnownNames(String where) {
        Loss built;
        try {
            built = newLoss();
        } catch (KilnException e) {
            throw new KilnException(where + ".loss: " + e.getMessage(), e);
        }
        for (int i = 0; i < metrics.size(); i++) {
            try {
                Metrics.byName(metrics.get(i), built);
            } catch (KilnException e) {
                throw new KilnException(where + ".metrics[" + i + "]: " + e.getMessage(), e);
            }
        }
    }

    /** {@code outputs} in the targets' own units (unchanged copies without a target scaling). */
    public double[][] targetUnits(double[][] outputs) {
        if (target == null) {
            return Arrays.stream(outputs).map(double[]::clone).toArray(double[][]::new);
        }
        double[][] out = new double[outputs.length][];
        for (int r = 0; r < outputs.length; r++) {
            out[r] = target.invert(outputs[r]);
        }
        return out;
    }
}
