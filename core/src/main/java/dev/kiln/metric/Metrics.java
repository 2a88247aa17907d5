package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.loss.BinaryCrossEntropy;
import dev.kiln.loss.Loss;
import java.util.List;
import java.util.Locale;

/** The built-in metrics by method and by Keras name. */
public final class Metrics {
    /** Names {@link #byName} accepts ("accuracy" needs the loss: see {@link #byName(String, Loss)}). */
    public static final List<String> NAMES = List.of(
            "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "mse", "mae");

    private Metrics() {
    }

    /** Binary accuracy at threshold 0.5. */
    public static Metric binaryAccuracy() {
        return new BinaryAccuracy();
    }

    /** Accuracy against one-hot targets. */
    public static Metric categoricalAccuracy() {
        return new CategoricalAccuracy();
    }

    /** Accuracy against class-index targets. */
    public static Metric sparseCategoricalAccuracy() {
        return new SparseCategoricalAccuracy();
    }

    /** Mean squared error per sample, summed. */
    public static Metric mse() {
        return new MeanSquaredErrorMetric();
    }

    /** Mean absolute error per sample, summed. */
    public static Metric mae() {
        return new MeanAbsoluteErrorMetric();
    }

    /**
     * The accuracy that fits {@code loss}, named "accuracy" as Keras does: binary for binary cross-entropy,
     * sparse categorical for class-index losses, categorical otherwise.
     */
    public static Metric accuracyFor(Loss loss) {
        Metric variant;
        if (loss instanceof BinaryCrossEntropy) {
            variant = binaryAccuracy();
        } else if (loss.takesClassIndices()) {
            variant = sparseCategoricalAccuracy();
        } else {
            variant = categoricalAccuracy();
        }
        return new RenamedMetric("accuracy", variant);
    }

    /** The metric called {@code name} (see {@link #NAMES}); "accuracy" picks the variant fitting {@code loss}. */
    public static Metric byName(String name, Loss loss) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "accuracy", "acc" -> accuracyFor(loss);
            case "binary_accuracy" -> binaryAccuracy();
            case "categorical_accuracy" -> categoricalAccuracy();
            case "sparse_categorical_accuracy" -> sparseCategoricalAccuracy();
            case "mse", "mean_squared_error" -> mse();
            case "mae", "mean_absolute_error" -> mae();
            default -> throw new KilnException("unknown metric '" + name + "'; expected one of " + NAMES);
        };
    }
}
