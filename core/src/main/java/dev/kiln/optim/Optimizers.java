package dev.kiln.optim;

import dev.kiln.KilnException;
import java.util.List;
import java.util.Locale;

/** The built-in optimizers by Keras name, with their other settings at their defaults. */
public final class Optimizers {
    /** Names {@link #byName} accepts. */
    public static final List<String> NAMES = List.of("sgd", "adam", "adamw", "rmsprop", "adagrad");

    private Optimizers() {
    }

    /** The optimizer called {@code name} (see {@link #NAMES}) with learning rate {@code learningRate}. */
    public static FusedOptimizer<?> byName(String name, double learningRate) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "sgd" -> new Sgd(learningRate);
            case "adam" -> new Adam(learningRate);
            case "adamw" -> new AdamW(learningRate);
            case "rmsprop" -> new RmsProp(learningRate);
            case "adagrad" -> new Adagrad(learningRate);
            default -> throw new KilnException("unknown optimizer '" + name + "'; expected one of " + NAMES);
        };
    }
}
