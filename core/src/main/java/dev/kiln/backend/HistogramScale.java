package dev.kiln.backend;

/** The bin scale of {@link Backend#histogram}, computed once here so that every backend uses the same number. */
public final class HistogramScale {
    private HistogramScale() {
    }

    /** bins / (high - low), computed in double and rounded to {@code dtype} (float for F32). */
    public static double of(DType dtype, double low, double high, int bins) {
        double scale = bins / (high - low);
        return dtype == DType.F32 ? (float) scale : scale;
    }
}
