package dev.kiln.loss;

import dev.kiln.KilnException;
import java.util.List;
import java.util.Locale;

/** The built-in losses by method and by Keras name; every loss reduces with {@link Reduction#MEAN} unless given one. */
public final class Losses {
    /** Names {@link #byName} accepts. */
    public static final List<String> NAMES = List.of(
            "mse", "mae", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "nll");

    private Losses() {
    }

    /** Mean squared error. */
    public static MeanSquaredError mse() {
        return new MeanSquaredError(Reduction.MEAN);
    }

    /** Mean absolute error. */
    public static MeanAbsoluteError mae() {
        return new MeanAbsoluteError(Reduction.MEAN);
    }

    /** Binary cross-entropy on probabilities, or on logits when {@code fromLogits}. */
    public static BinaryCrossEntropy binaryCrossEntropy(boolean fromLogits) {
        return new BinaryCrossEntropy(fromLogits, Reduction.MEAN);
    }

    /** Categorical cross-entropy on probabilities, or fused with softmax on logits when {@code fromLogits}. */
    public static CategoricalCrossEntropy categoricalCrossEntropy(boolean fromLogits) {
        return new CategoricalCrossEntropy(fromLogits, Reduction.MEAN);
    }

    /** Categorical cross-entropy with class-index targets, on probabilities or on logits. */
    public static SparseCategoricalCrossEntropy sparseCategoricalCrossEntropy(boolean fromLogits) {
        return new SparseCategoricalCrossEntropy(fromLogits, Reduction.MEAN);
    }

    /** Negative log-likelihood of log-probabilities at class indices. */
    public static NegativeLogLikelihood nll() {
        return new NegativeLogLikelihood(Reduction.MEAN);
    }

    /**
     * The loss called {@code name} (Keras' names, see {@link #NAMES}; "mean_squared_error" and
     * "mean_absolute_error" too), on probabilities for the cross-entropies, reduced by {@code reduction}.
     */
    public static Loss byName(String name, Reduction reduction) {
        return byName(name, false, reduction);
    }

    /**
     * The loss called {@code name}, the cross-entropies on logits when {@code fromLogits} (the other losses have no
     * such option and ignore it), reduced by {@code reduction}.
     */
    public static Loss byName(String name, boolean fromLogits, Reduction reduction) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "mse", "mean_squared_error" -> new MeanSquaredError(reduction);
            case "mae", "mean_absolute_error" -> new MeanAbsoluteError(reduction);
            case "binary_crossentropy" -> new BinaryCrossEntropy(fromLogits, reduction);
            case "categorical_crossentropy" -> new CategoricalCrossEntropy(fromLogits, reduction);
            case "sparse_categorical_crossentropy" -> new SparseCategoricalCrossEntropy(fromLogits, reduction);
            case "nll" -> new NegativeLogLikelihood(reduction);
            default -> throw new KilnException("unknown loss '" + name + "'; expected one of " + NAMES);
        };
    }

    /** {@link #byName(String, Reduction)} with the mean over the batch. */
    public static Loss byName(String name) {
        return byName(name, Reduction.MEAN);
    }
}
