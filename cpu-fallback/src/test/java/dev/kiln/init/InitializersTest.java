package dev.kiln.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InitializersTest extends OnCpuBackend {
    private static final int FAN_IN = 200;
    private static final int FAN_OUT = 100;
    /** Values of a [FAN_IN, FAN_OUT] weight matrix (20,000 elements) initialised with {@code seed}. */
    private static double[] weights(Initializer initializer, DType dtype, long seed) {
        try (Tensor w = Tensor.empty(backend, dtype, Shape.of(FAN_IN, FAN_OUT))) {
            initializer.initialize(w, FAN_IN, FAN_OUT, seed);
            return w.toDoubleArray();
        }
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double variance(double[] v) {
        double m = mean(v);
        return Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / v.length;
    }

    /** Mean within 4 standard errors of 0, variance within 5% of {@code expected}. */
    private static void assertMoments(double expectedMean, double expectedVariance, double[] v) {
        double standardError = Math.sqrt(expectedVariance / v.length);
        assertEquals(expectedMean, mean(v), 4 * standardError);
        assertEquals(expectedVariance, variance(v), 0.05 * expectedVariance);
    }

    private static void assertWithin(double low, double high, double[] v) {
        double min = Arrays.stream(v).min().orElseThrow();
        double max = Arrays.stream(v).max().orElseThrow();
        assertTrue(min >= low && max < high,
                "values in [" + min + ", " + max + "], expected [" + low + ", " + high + ")");
        // the range is filled: the extremes come within 1% of the limits
        assertTrue(min < low + 0.01 * (high - low) && max > high - 0.01 * (high - low), min + ", " + max);
    }

    @Test
    void zerosAndConstant() {
        double[] zeros = weights(Initializers.zeros(), DType.F32, 1);
        assertTrue(Arrays.stream(zeros).allMatch(x -> x == 0));
        double[] constant = weights(Initializers.constant(0.25), DType.F64, 1);
        assertTrue(Arrays.stream(constant).allMatch(x -> x == 0.25));
    }

    @Test
    void sameSeedSameValuesOtherSeedOtherValues() {
        for (String name : Initializers.NAMES) {
            Initializer initializer = Initializers.byName(name);
            if (name.equals("zeros") || name.equals("ones")) {
                continue;
            }
            double[] first = weights(initializer, DType.F32, 42);
            assertArrayEquals(first, weights(initializer, DType.F32, 42), name);
            assertFalse(Arrays.equals(first, weights(initializer, DType.F32, 43)), name);
        }
    }

    @Test
    void normalHasItsMeanAndDeviation() {
        assertMoments(1, 4, weights(Initializers.normal(1, 2), DType.F64, 5));
    }

    @Test
    void uniformFillsItsInterval() {
        double[] v = weights(Initializers.uniform(-1, 3), DType.F64, 5);
        assertWithin(-1, 3, v);
        assertMoments(1, 16.0 / 12, v);
    }

    @Test
    void glorotUniformLimitIsSqrtOfSixOverFanInPlusFanOut() {
        double limit = Math.sqrt(6.0 / (FAN_IN + FAN_OUT));
        double[] v = weights(Initializers.glorotUniform(), DType.F32, 7);
        assertWithin(-limit, limit, v);
        assertMoments(0, 2.0 / (FAN_IN + FAN_OUT), v);
    }

    @Test
    void glorotNormalVarianceIsTwoOverFanInPlusFanOut() {
        assertMoments(0, 2.0 / (FAN_IN + FAN_OUT), weights(Initializers.glorotNormal(), DType.F32, 7));
    }

    @Test
    void heUniformLimitIsSqrtOfSixOverFanIn() {
        double limit = Math.sqrt(6.0 / FAN_IN);
        double[] v = weights(Initializers.heUniform(), DType.F64, 9);
        assertWithin(-limit, limit, v);
        assertMoments(0, 2.0 / FAN_IN, v);
    }

    @Test
    void heNormalVarianceIsTwoOverFanIn() {
        assertMoments(0, 2.0 / FAN_IN, weights(Initializers.heNormal(), DType.F64, 9));
    }

    @Test
    void badSettingsAreRejected() {
        try (Tensor w = Tensor.empty(backend, DType.F32, Shape.of(2, 2))) {
            KilnException e = assertThrows(KilnException.class, () -> Initializers.heNormal().initialize(w, 0, 2, 1));
            assertTrue(e.getMessage().contains("he_normal"), e.getMessage());
        }
        assertThrows(KilnException.class, () -> Initializers.uniform(1, -1));
        assertThrows(KilnException.class, () -> Initializers.normal(0, -1));
        assertThrows(KilnException.class, () -> Initializers.byName("lecun_normal"));
    }
}
