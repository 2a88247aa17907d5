package dev.kiln.op;

/**
 * Counts of a tensor's elements in equal-width bins over [low, high] (see {@link StatisticsOps#histogram}).
 *
 * @param low the left edge of the first bin
 * @param high the right edge of the last bin, which includes it
 * @param counts how many elements fall in each bin
 */
public record Histogram(double low, double high, int[] counts) {
    public Histogram {
        counts = counts.clone();
    }

    @Override
    public int[] counts() {
        return counts.clone();
    }

    /** The left edge of bin {@code b}, or high for b == bins. */
    public double edge(int b) {
        return b == counts.length ? high : low + (high - low) * b / counts.length;
    }
}
