package dev.kiln.data.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.KilnException;
import dev.kiln.data.preprocess.Standardization.Method;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PreprocessTest {

    @Test
    void zScoreHandComputed() {
        // column 0: 1, 3 -> mean 2, std 1; column 1 constant 5 -> scale 1
        double[] rows = {1, 5, 3, 5};
        Standardization s = Standardization.fit(Method.Z_SCORE, rows, 2);
        assertArrayEquals(new double[] {2, 5}, s.shift());
        assertArrayEquals(new double[] {1, 1}, s.scale());
        assertArrayEquals(new double[] {-1, 0, 1, 0}, s.apply(rows), 1e-12);
        // new rows are scaled with the training statistics, not their own
        assertArrayEquals(new double[] {7, 0}, s.apply(new double[] {9, 5}), 1e-12);
    }

    @Test
    void minMaxMapsTrainingRangeToUnitInterval() {
        double[] rows = {-2, 10, 0, 20, 6, 30};
        Standardization s = Standardization.fit(Method.MIN_MAX, rows, 2);
        assertArrayEquals(new double[] {0, 0, 0.25, 0.5, 1, 1}, s.apply(rows), 1e-12);
        assertArrayEquals(rows, s.invert(s.apply(rows)), 1e-12);
        assertEquals(s, new Standardization(Method.MIN_MAX, new double[] {-2, 10}, new double[] {8, 20}));
    }

    @Test
    void standardizationRejectsBadInput() {
        assertThrows(KilnException.class, () -> Standardization.fit(Method.Z_SCORE, new double[] {1, 2, 3}, 2));
        assertThrows(KilnException.class, () -> Standardization.fit(Method.Z_SCORE, new double[0], 2));
        assertThrows(KilnException.class, () -> new Standardization(Method.Z_SCORE, new double[] {0},
                new double[] {0}));
        Standardization s = Standardization.fit(Method.Z_SCORE, new double[] {1, 2, 3, 5}, 2);
        assertThrows(KilnException.class, () -> s.apply(new double[] {1, 2, 3}));
    }

    @Test
    void splitIsSeededDisjointAndComplete() {
        Split a = Split.shuffled(100, 0.1, 0.2, 42);
        assertEquals(a, Split.shuffled(100, 0.1, 0.2, 42));
        assertNotEquals(a, Split.shuffled(100, 0.1, 0.2, 43));
        assertEquals(70, a.train().length);
        assertEquals(10, a.validation().length);
        assertEquals(20, a.test().length);
        int[] all = IntStream.concat(IntStream.concat(Arrays.stream(a.train()), Arrays.stream(a.validation())),
                Arrays.stream(a.test())).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 100).toArray(), all);
    }

    @Test
    void splitRejectsImpossibleFractions() {
        assertThrows(KilnException.class, () -> Split.shuffled(10, 0.5, 0.5, 1));
        assertThrows(KilnException.class, () -> Split.shuffled(10, -0.1, 0.2, 1));
        assertThrows(KilnException.class, () -> Split.shuffled(2, 0.1, 0.1, 1));
    }

    @Test
    void takeGathersRows() {
        double[] values = {0, 1, 10, 11, 20, 21};
        assertArrayEquals(new double[] {20, 21, 0, 1}, Split.take(values, 2, new int[] {2, 0}));
        assertThrows(KilnException.class, () -> Split.take(values, 2, new int[] {3}));
    }

    @Test
    void oneHotAndSparseLabels() {
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 0, 0, 0, 1}, Labels.oneHot(new int[] {1, 0, 2}, 3));
        assertArrayEquals(new int[] {1, 0, 2}, Labels.sparse(new int[] {1, 0, 2}, 3));
        assertThrows(KilnException.class, () -> Labels.oneHot(new int[] {3}, 3));
        assertThrows(KilnException.class, () -> Labels.sparse(new int[] {-1}, 3));
    }
}
