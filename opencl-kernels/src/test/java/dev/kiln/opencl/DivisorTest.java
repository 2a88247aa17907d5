package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The multiply-and-shift constants divide every non-negative int exactly, for every kind of divisor. */
class DivisorTest {
    @Test
    void dividesLikeIntegerDivisionAcrossTheWholeRange() {
        Random random = new Random(5);
        int[] divisors = {1, 2, 3, 5, 7, 9, 10, 13, 16, 26, 28, 32, 169, 288, 676, 1 << 20, (1 << 20) + 1,
            (1 << 30) - 1, 1 << 30, Integer.MAX_VALUE};
        for (int d : divisors) {
            Divisor divisor = Divisor.of(d);
            long[] edges = {0, 1, d - 1L, d, d + 1L, 2L * d - 1, Integer.MAX_VALUE - 1L, Integer.MAX_VALUE};
            for (long edge : edges) {
                int n = (int) Math.min(edge, Integer.MAX_VALUE);
                assertEquals(n / d, divisor.divide(n), n + " / " + d);
            }
            for (int i = 0; i < 100_000; i++) {
                int n = random.nextInt(Integer.MAX_VALUE);
                assertEquals(n / d, divisor.divide(n), n + " / " + d);
            }
        }
    }

    @Test
    void everySmallDivisorAndNumerator() {
        for (int d = 1; d <= 300; d++) {
            Divisor divisor = Divisor.of(d);
            for (int n = 0; n < 5000; n++) {
                assertEquals(n / d, divisor.divide(n), n + " / " + d);
            }
        }
    }

    @Test
    void rejectsDivisorsBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> Divisor.of(0));
    }
}
