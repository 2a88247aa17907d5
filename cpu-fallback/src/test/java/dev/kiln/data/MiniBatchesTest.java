package dev.kiln.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MiniBatchesTest {
    private Backend backend;
    private ArrayDataset data;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
        double[] features = new double[20];
        double[] labels = new double[10];
        for (int i = 0; i < 10; i++) {
            features[2 * i] = i;
            features[2 * i + 1] = -i;
            labels[i] = i;
        }
        data = ArrayDataset.of(features, Shape.of(2), labels, Shape.of(1));
    }

    @AfterEach
    void close() {
        backend.close();
    }

    /** The label (= sample index) of every sample, batch after batch. */
    private List<Double> visit(MiniBatches batches, List<Integer> sizes) {
        List<Double> seen = new ArrayList<>();
        for (int b = 0; b < batches.batchCount(); b++) {
            try (MemoryScope scope = MemoryScope.open()) {
                Batch batch = batches.load(b);
                sizes.add(batch.size());
                assertEquals(Shape.of(batch.size(), 2), batch.features().shape());
                double[] f = batch.features().toDoubleArray();
                double[] l = batch.labels().toDoubleArray();
                for (int i = 0; i < batch.size(); i++) {
                    assertEquals(l[i], f[2 * i]);
                    seen.add(l[i]);
                }
            }
        }
        return seen;
    }

    @Test
    void inOrderBatchesCoverTheRangeAndKeepTheLastPartialBatch() {
        long live = backend.liveBuffers();
        MiniBatches batches = new MiniBatches(data, 2, 9, 3, backend, DType.F32);
        List<Integer> sizes = new ArrayList<>();
        assertEquals(List.of(2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0), visit(batches, sizes));
        assertEquals(List.of(3, 3, 1), sizes);
        assertEquals(live, backend.liveBuffers());
    }

    @Test
    void shufflingIsAPermutationGivenByTheSeedAlone() {
        MiniBatches a = new MiniBatches(data, 0, 10, 4, backend, DType.F64);
        MiniBatches b = new MiniBatches(data, 0, 10, 4, backend, DType.F64);
        a.shuffle(3);
        b.shuffle(4);
        b.shuffle(3);
        List<Double> first = visit(a, new ArrayList<>());
        assertEquals(first, visit(b, new ArrayList<>()), "the order depends on the last seed only");
        double[] sorted = first.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted);
        assertFalse(Arrays.equals(sorted, first.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    @Test
    void intLabelsBecomeI32TensorsAndOtherLabelsFollowTheAskedDtype() {
        ArrayDataset classes = ArrayDataset.of(new double[][] {{0}, {1}, {2}, {3}, {4}}, new int[] {4, 0, 3, 3, 1});
        assertTrue(classes.holdsClassIndices(0));
        assertFalse(data.holdsClassIndices(0));
        long live = backend.liveBuffers();
        MiniBatches batches = new MiniBatches(classes, 0, 5, 2, backend, DType.F32);
        assertEquals(List.of(DType.I32), batches.labelTypes());
        try (MemoryScope scope = MemoryScope.open()) {
            Batch last = batches.load(2);
            assertEquals(DType.I32, last.labels().dtype());
            assertEquals(Shape.of(1), last.labels().shape());
            assertArrayEquals(new int[] {1}, last.labels().toIntArray());
            assertEquals(DType.F32, last.features().dtype());
            assertArrayEquals(new int[] {4, 0}, batches.load(0).labels().toIntArray());
        }
        // Labels held as numbers become I32 when asked (fit asks for the labels of a sparse loss) ...
        MiniBatches asked = new MiniBatches(data, 0, 10, 4, backend, DType.F64, List.of(DType.I32));
        try (MemoryScope scope = MemoryScope.open()) {
            assertArrayEquals(new int[] {4, 5, 6, 7}, asked.load(1).labels().toIntArray());
        }
        // ... and int labels become numbers for a loss that reads numbers.
        MiniBatches numbers = new MiniBatches(classes, 0, 5, 5, backend, DType.F64, List.of(DType.F64));
        try (MemoryScope scope = MemoryScope.open()) {
            assertArrayEquals(new double[] {4, 0, 3, 3, 1}, numbers.load(0).labels().toDoubleArray());
        }
        assertEquals(live, backend.liveBuffers());
        ArrayDataset halves = ArrayDataset.of(new double[] {0, 1}, Shape.of(1), new double[] {0.5, 1}, Shape.of());
        MiniBatches bad = new MiniBatches(halves, 0, 2, 2, backend, DType.F32, List.of(DType.I32));
        try (MemoryScope scope = MemoryScope.open()) {
            KilnException e = assertThrows(KilnException.class, () -> bad.load(0));
            assertTrue(e.getMessage().contains("0.5") && e.getMessage().contains("sample 0"), e.getMessage());
        }
    }
}
