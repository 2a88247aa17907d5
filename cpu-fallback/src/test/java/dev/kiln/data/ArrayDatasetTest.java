package dev.kiln.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.tensor.Shape;
import org.junit.jupiter.api.Test;

class ArrayDatasetTest {

    @Test
    void gathersTheRequestedSamplesInOrder() {
        ArrayDataset data = ArrayDataset.of(new double[][] {{1, 2}, {3, 4}, {5, 6}}, new double[][] {{10}, {20}, {30}});
        assertEquals(3, data.size());
        assertEquals(Shape.of(2), data.featureShape());
        assertEquals(Shape.of(1), data.labelShape());
        double[] features = new double[4];
        double[] labels = new double[2];
        data.gather(new int[] {9, 2, 0, 9}, 1, 2, features, labels);
        assertArrayEquals(new double[] {5, 6, 1, 2}, features);
        assertArrayEquals(new double[] {30, 10}, labels);
        float[] f = new float[2];
        float[] l = new float[1];
        data.gather(new int[] {1}, 0, 1, f, l);
        assertArrayEquals(new float[] {3, 4}, f);
        assertArrayEquals(new float[] {20}, l);
    }

    @Test
    void flatArraysWithShapesAndClassIndices() {
        ArrayDataset images = ArrayDataset.of(new float[2 * 2 * 3], Shape.of(2, 3), new float[] {1, 0}, Shape.of());
        assertEquals(2, images.size());
        assertEquals(Shape.of(2, 3), images.featureShape());
        assertEquals(Shape.of(), images.labelShape());
        ArrayDataset classes = ArrayDataset.of(new double[][] {{0.5}, {1.5}}, new int[] {4, 7});
        double[] labels = new double[2];
        classes.gather(new int[] {0, 1}, 0, 2, new double[2], labels);
        assertArrayEquals(new double[] {4, 7}, labels);
    }

    @Test
    void mismatchedCountsAndRaggedRowsAreRefused() {
        KilnException rows = assertThrows(KilnException.class,
                () -> ArrayDataset.of(new double[][] {{1}, {2}}, new double[][] {{1}}));
        assertTrue(rows.getMessage().contains("x has 2 samples but y has 1"), rows.getMessage());
        KilnException ragged = assertThrows(KilnException.class,
                () -> ArrayDataset.of(new double[][] {{1, 2}, {3}}, new double[][] {{1}, {2}}));
        assertTrue(ragged.getMessage().contains("row 1"), ragged.getMessage());
        assertThrows(KilnException.class, () -> ArrayDataset.of(new double[7], Shape.of(2), new double[3], Shape.of(1)));
        assertThrows(KilnException.class, () -> ArrayDataset.of(new double[0][], new double[0][]));
    }
}
