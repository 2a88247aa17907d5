package dev.kiln.samples.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

class KolmogorovSmirnovTest {
    @Test
    void identicalSamplesAreZeroApartInAnyOrder() {
        double[] a = {3, -1, 2, 2, 0.5, 7};
        double[] shuffled = {2, 7, 0.5, -1, 2, 3};
        assertEquals(0, KolmogorovSmirnov.twoSample(a, shuffled));
    }

    @Test
    void disjointSamplesAreOneApart() {
        assertEquals(1, KolmogorovSmirnov.twoSample(new double[] {1, 2, 3}, new double[] {4, 5}));
        assertEquals(1, KolmogorovSmirnov.twoSample(new double[] {10, 11}, new double[] {-3, 0, 2, 9.5}));
    }

    @Test
    void tiedValuesStepBothDistributionsAtOnce() {
        // F_a: 1/4 at 1, 3/4 at 2, 1 at 3.  F_b: 0 below 2, 2/3 at 2, 1 at 4.
        // |F_a - F_b| is 1/4 at 1, 1/12 at 2, 1/3 at 3, 0 at 4: D = 1/3.
        // Counting a tie at 2 as b's step before a's would give a false 3/4 - 0 or 1/4 - 2/3.
        double[] a = {1, 2, 2, 3};
        double[] b = {2, 2, 4};
        assertEquals(1.0 / 3, KolmogorovSmirnov.twoSample(a, b), 1e-15);
        // every value tied across the samples: the distributions are equal
        assertEquals(0, KolmogorovSmirnov.twoSample(new double[] {5, 5, 5}, new double[] {5}));
    }

    @Test
    void theStatisticIsSymmetric() {
        Random random = new Random(11);
        double[] a = random.doubles(37).map(v -> Math.round(v * 10)).toArray();
        double[] b = random.doubles(53).map(v -> Math.round(v * 12 - 1)).toArray();
        double d = KolmogorovSmirnov.twoSample(a, b);
        assertTrue(d > 0 && d < 1, "d = " + d);
        assertEquals(d, KolmogorovSmirnov.twoSample(b, a));
    }

    @Test
    void itAgreesWithTheDefinitionOnRandomTiedSamples() {
        Random random = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            double[] a = random.ints(1 + random.nextInt(20), 0, 6).asDoubleStream().toArray();
            double[] b = random.ints(1 + random.nextInt(20), 0, 6).asDoubleStream().toArray();
            assertEquals(byDefinition(a, b), KolmogorovSmirnov.twoSample(a, b), 1e-12, "trial " + trial);
        }
    }

    @Test
    void largeSamplesOfOneDistributionAreCloseAndShiftedOnesFar() {
        Random random = new Random(2);
        double[] a = gaussians(random, 20_000, 0);
        double[] b = gaussians(random, 20_000, 0);
        double[] shifted = gaussians(random, 20_000, 0.5);
        // the 0.001 critical value for n = m = 20,000 is 1.95 sqrt(2 / 20,000) = 0.0195
        assertTrue(KolmogorovSmirnov.twoSample(a, b) < 0.0195, "same distribution");
        // a shift of half a standard deviation moves the CDF by 2 Phi(0.25) - 1 = 0.197 at most
        assertEquals(0.197, KolmogorovSmirnov.twoSample(a, shifted), 0.02, "shifted by 0.5");
    }

    @Test
    void emptyOrNaNSamplesAreRefused() {
        KilnException empty = assertThrows(KilnException.class,
                () -> KolmogorovSmirnov.twoSample(new double[] {1}, new double[0]));
        assertTrue(empty.getMessage().contains("second sample is empty"), empty.getMessage());
        KilnException nan = assertThrows(KilnException.class,
                () -> KolmogorovSmirnov.twoSample(new double[] {1, Double.NaN}, new double[] {2}));
        assertTrue(nan.getMessage().contains("value 1 of the first sample is NaN"), nan.getMessage());
    }

    private static double[] gaussians(Random random, int count, double mean) {
        return DoubleStream.generate(() -> mean + random.nextGaussian()).limit(count).toArray();
    }

    /** sup |F_a - F_b| evaluated at every observed value, in O(n^2). */
    private static double byDefinition(double[] a, double[] b) {
        double d = 0;
        for (double[] sample : new double[][] {a, b}) {
            for (double x : sample) {
                d = Math.max(d, Math.abs(cdf(a, x) - cdf(b, x)));
            }
        }
        return d;
    }

    private static double cdf(double[] sample, double x) {
        return (double) Arrays.stream(sample).filter(v -> v <= x).count() / sample.length;
    }
}
