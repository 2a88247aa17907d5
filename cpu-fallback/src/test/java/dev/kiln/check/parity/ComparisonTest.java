package dev.kiln.check.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

class ComparisonTest {
    private static final Tolerance TOLERANCE = new Tolerance(1e-6, 1e-4, "test");

    private static Comparison compare(double expected, double actual) {
        return Comparison.of(new double[] {expected}, new double[] {actual}, TOLERANCE);
    }

    @Test
    void nanEqualsNan() {
        Comparison comparison = compare(Double.NaN, Double.NaN);
        assertTrue(comparison.passed());
        assertEquals(0, comparison.maxAbsolute());
    }

    @Test
    void nanDiffersFromEveryNumberAndInfinity() {
        assertFalse(compare(Double.NaN, 0).passed());
        assertFalse(compare(1, Double.NaN).passed());
        assertFalse(compare(Double.NaN, Double.POSITIVE_INFINITY).passed());
        assertEquals(Double.POSITIVE_INFINITY, compare(Double.NaN, 0).maxAbsolute());
    }

    @Test
    void infinitiesAreEqualOnlyWithTheSameSign() {
        assertTrue(compare(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY).passed());
        assertTrue(compare(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY).passed());
        assertFalse(compare(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY).passed());
        assertFalse(compare(Double.POSITIVE_INFINITY, Double.MAX_VALUE).passed());
    }

    @Test
    void nearZeroTheAbsoluteMarginDecides() {
        // Relative error 100 %, but the difference is inside the absolute margin.
        Comparison inside = compare(1e-9, 5e-7);
        assertTrue(inside.passed());
        assertFalse(compare(0, 2e-6).passed());
    }

    @Test
    void theRelativeErrorCountsEveryElementOverTheFloorOfTinyReferences() {
        // gemm printed "max abs 1.1e-06, max rel 0" when every difference lay inside the absolute margin
        double floor = TOLERANCE.absolute() / TOLERANCE.relative();
        Comparison inside = Comparison.of(new double[] {0.5, 2e-3}, new double[] {0.5, 2e-3 + 9e-7}, TOLERANCE);
        assertTrue(inside.passed());
        assertEquals(9e-7 / floor, inside.maxRelative(), 1e-15);
        assertEquals((5e-7 - 1e-9) / floor, compare(1e-9, 5e-7).maxRelative(), 1e-15);
        assertEquals(0.11 / 1000.11, compare(1000, 1000.11).maxRelative(), 1e-12, "above the floor: plain relative");
    }

    @Test
    void anElementPassesExactlyWhenItsRelativeErrorIsWithinTheRelativeMargin() {
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 10_000; i++) {
            double expected = Math.pow(10, -8 + 10 * random.nextDouble()) * (random.nextBoolean() ? 1 : -1);
            double actual = expected + Math.pow(10, -9 + 8 * random.nextDouble()) * (random.nextBoolean() ? 1 : -1);
            Comparison c = compare(expected, actual);
            assertEquals(c.passed(), c.maxRelative() <= TOLERANCE.relative(), expected + " against " + actual);
        }
    }

    @Test
    void elsewhereTheRelativeMarginDecides() {
        assertTrue(compare(1000, 1000.09).passed(), "9e-5 relative, far outside the absolute margin");
        Comparison outside = compare(1000, 1000.11);
        assertFalse(outside.passed());
        assertEquals(0.11, outside.maxAbsolute(), 1e-9);
        assertEquals(0.11 / 1000.11, outside.maxRelative(), 1e-12);
    }

    @Test
    void relativeErrorIsSymmetricInItsScale() {
        assertEquals(compare(2, 1).maxRelative(), compare(1, 2).maxRelative());
    }

    @Test
    void reportsTheFailingElementWithTheLargestAbsoluteError() {
        double[] expected = {0, 10, 1000, 5, 7};
        double[] actual = {0.5, 10, 1000.5, 5.2, 7};
        Comparison comparison = Comparison.of(expected, actual, TOLERANCE);
        assertFalse(comparison.passed());
        assertEquals(3, comparison.failures());
        assertEquals(0.5, comparison.maxAbsolute());
        assertEquals(0, comparison.worstIndex(), "0.5 at index 0 fails; the equal 0.5 at 2 comes later");
        assertEquals(0, comparison.expected());
        assertEquals(0.5, comparison.actual());
    }

    @Test
    void failingElementsOutrankLargerPassingErrors() {
        // Index 0 passes (5e-5 relative) with an absolute error far above that of the failing index 1.
        double[] expected = {1000, 1e-3};
        double[] actual = {1000.05, 1.003e-3};
        Comparison comparison = Comparison.of(expected, actual, TOLERANCE);
        assertFalse(comparison.passed());
        assertEquals(1, comparison.worstIndex());
    }

    @Test
    void withEverythingPassingTheLargestErrorIsTheWorst() {
        Comparison comparison = Comparison.of(new double[] {1, 2, 3}, new double[] {1, 2.00001, 3.0001}, TOLERANCE);
        assertTrue(comparison.passed());
        assertEquals(2, comparison.worstIndex());
    }

    @Test
    void exactToleranceAcceptsOnlyIdenticalValues() {
        assertTrue(Comparison.of(new double[] {1.5, -0.0}, new double[] {1.5, 0.0}, Tolerance.EXACT).passed());
        assertFalse(Comparison.of(new double[] {1.5}, new double[] {Math.nextUp(1.5)}, Tolerance.EXACT).passed());
    }

    @Test
    void arraysOfDifferentLengthsAreRejected() {
        KilnException e = assertThrows(KilnException.class,
                () -> Comparison.of(new double[2], new double[3], TOLERANCE));
        assertTrue(e.getMessage().contains("expected 2 elements, got 3"), e.getMessage());
    }

    @Test
    void toleranceNeedsAReasonAndNonNegativeMargins() {
        assertThrows(IllegalArgumentException.class, () -> new Tolerance(1e-6, 1e-5, " "));
        assertThrows(IllegalArgumentException.class, () -> new Tolerance(-1, 1e-5, "why"));
        assertThrows(IllegalArgumentException.class, () -> new Tolerance(0, Double.NaN, "why"));
    }
}
