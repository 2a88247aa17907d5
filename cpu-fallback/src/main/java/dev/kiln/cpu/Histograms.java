package dev.kiln.cpu;

import java.util.Arrays;

/**
 * {@link dev.kiln.backend.Backend#histogram} on host arrays, the bin computed in the element type; the arrays may be
 * longer than the buffers they back.
 */
final class Histograms {
    private Histograms() {
    }

    static void count(float[] x, int length, float low, float high, float scale, int bins, int[] counts) {
        Arrays.fill(counts, 0, bins, 0);
        int last = bins - 1;
        for (int i = 0; i < length; i++) {
            float v = x[i];
            // Also false for NaN.
            if (v >= low && v <= high) {
                counts[Math.min((int) ((v - low) * scale), last)]++;
            }
        }
    }

    static void count(double[] x, int length, double low, double high, double scale, int bins, int[] counts) {
        Arrays.fill(counts, 0, bins, 0);
        int last = bins - 1;
        for (int i = 0; i < length; i++) {
            double v = x[i];
            if (v >= low && v <= high) {
                counts[Math.min((int) ((v - low) * scale), last)]++;
            }
        }
    }
}
