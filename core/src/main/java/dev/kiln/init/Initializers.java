package dev.kiln.init;

import dev.kiln.KilnException;
import java.util.List;
import java.util.Locale;

/** The built-in initializers by method and by Keras name. */
public final class Initializers {
    /** Names {@link #byName} accepts. */
    public static final List<String> NAMES = List.of(
            "zeros", "ones", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "orthogonal");

    private Initializers() {
    }

    /** w = 0. */
    public static Initializer zeros() {
        return new Zeros();
    }

    /** w = value. */
    public static Initializer constant(double value) {
        return new Constant(value);
    }

    /** Normal with the given mean and standard deviation. */
    public static Initializer normal(double mean, double stddev) {
        return new RandomNormal(mean, stddev);
    }

    /** Uniform on [low, high). */
    public static Initializer uniform(double low, double high) {
        return new RandomUniform(low, high);
    }

    /** U[-sqrt(6 / (fanIn + fanOut)), sqrt(6 / (fanIn + fanOut))). */
    public static Initializer glorotUniform() {
        return new GlorotUniform();
    }

    /** N(0, 2 / (fanIn + fanOut)). */
    public static Initializer glorotNormal() {
        return new GlorotNormal();
    }

    /** U[-sqrt(6 / fanIn), sqrt(6 / fanIn)). */
    public static Initializer heUniform() {
        return new HeUniform();
    }

    /** N(0, 2 / fanIn). */
    public static Initializer heNormal() {
        return new HeNormal();
    }

    /** A (semi-)orthogonal matrix, Keras's default for recurrent kernels (see {@link Orthogonal}). */
    public static Initializer orthogonal() {
        return new Orthogonal(1);
    }

    /** The initializer called {@code name} (see {@link #NAMES}). */
    public static Initializer byName(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "zeros" -> zeros();
            case "ones" -> constant(1);
            case "glorot_uniform" -> glorotUniform();
            case "glorot_normal" -> glorotNormal();
            case "he_uniform" -> heUniform();
            case "he_normal" -> heNormal();
            case "orthogonal" -> orthogonal();
            default -> throw new KilnException("unknown initializer '" + name + "'; expected one of " + NAMES);
        };
    }
}
