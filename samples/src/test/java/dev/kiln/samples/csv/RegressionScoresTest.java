package dev.kiln.samples.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

class RegressionScoresTest {

    @Test
    void handComputedMseAndR2() {
        // y = 1, 2, 3 (mean 2, total 2); p = 1, 2, 5 (residual 4)
        RegressionScores s = RegressionScores.of(new double[] {1, 2, 5}, new double[] {1, 2, 3});
        assertEquals(4.0 / 3, s.mse(), 1e-12);
        assertEquals(1 - 4.0 / 2, s.r2(), 1e-12);
    }

    @Test
    void perfectAndMeanPredictions() {
        assertEquals(1, RegressionScores.of(new double[] {3, 5}, new double[] {3, 5}).r2(), 1e-12);
        assertEquals(0, RegressionScores.of(new double[] {4, 4}, new double[] {3, 5}).r2(), 1e-12);
        assertTrue(Double.isNaN(RegressionScores.of(new double[] {1, 2}, new double[] {3, 3}).r2()));
    }

    @Test
    void mismatchedLengthsFail() {
        assertThrows(KilnException.class, () -> RegressionScores.of(new double[] {1}, new double[] {1, 2}));
    }
}
