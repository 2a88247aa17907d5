package dev.kiln.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.DType;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.InScopeOnCpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** permute, gather, where, mask and the flagged and batched matmuls on small hand-computed arrays, forward and backward. */
class NewOpsKnownAnswerTest extends InScopeOnCpuBackend {
    private static Tensor t(Shape shape, double... values) {
        return Tensor.of(backend, DType.F64, shape, values);
    }

    private static Tensor leaf(Shape shape, double... values) {
        return t(shape, values).requiresGrad(true);
    }

    private static void assertValues(Tensor actual, Shape shape, double... expected) {
        assertEquals(shape, actual.shape(), "shape of " + actual);
        assertArrayEquals(expected, actual.toDoubleArray(), 1e-12, actual.toString());
    }

    /** Back-propagates sum(out * weights), so each output element's gradient is its weight. */
    private static void backwardWeighted(Tensor out, double... weights) {
        Autograd.backward(Ops.sum(Ops.mul(out, t(out.shape(), weights))));
    }

    private static void assertFails(Executable call, String... fragments) {
        KilnException e = assertThrows(KilnException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }

    @Test
    void permuteReordersAxesAndPermutesTheGradientBack() {
        // x[i, j, k] = 100 i + 10 j + k for shape [2, 3, 2].
        Tensor x = leaf(Shape.of(2, 3, 2), 0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121);
        Tensor out = Ops.permute(x, 2, 0, 1);
        // out[k, i, j] = x[i, j, k].
        assertValues(out, Shape.of(2, 2, 3), 0, 10, 20, 100, 110, 120, 1, 11, 21, 101, 111, 121);
        backwardWeighted(out, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        // grad x[i, j, k] = weight of out[k, i, j] = 1 + 6 k + 3 i + j.
        assertValues(x.grad(), Shape.of(2, 3, 2), 1, 7, 2, 8, 3, 9, 4, 10, 5, 11, 6, 12);
        assertValues(Ops.permute(t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6), -1, 0), Shape.of(3, 2), 1, 4, 2, 5, 3, 6);
        assertValues(Ops.permute(t(Shape.of(3), 1, 2, 3), 0), Shape.of(3), 1, 2, 3);
    }

    @Test
    void permuteRejectsWhatIsNotAPermutation() {
        Tensor x = t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        assertFails(() -> Ops.permute(x, 0, 0), "not a permutation", "[0, 0]");
        assertFails(() -> Ops.permute(x, 0), "permutation of the 2 axes");
        assertFails(() -> Ops.permute(x, 0, 2), "not a permutation");
        Tensor seven = Tensor.zeros(backend, DType.F64, Shape.of(1, 1, 1, 1, 1, 1, 1));
        assertFails(() -> Ops.permute(seven, 0, 1, 2, 3, 4, 5, 6), "at most 6 axes");
    }

    @Test
    void gatherLooksUpRowsAndAccumulatesRepeatedIndices() {
        Tensor table = leaf(Shape.of(4, 2), 0, 1, 10, 11, 20, 21, 30, 31);
        Tensor indices = Tensor.of(backend, Shape.of(2, 3), 3, 0, 3, 1, 3, 0);
        Tensor out = Ops.gather(table, indices);
        assertValues(out, Shape.of(2, 3, 2), 30, 31, 0, 1, 30, 31, 10, 11, 30, 31, 0, 1);
        backwardWeighted(out, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        // Row 3 is read three times, row 0 twice, row 1 once, row 2 never.
        assertValues(table.grad(), Shape.of(4, 2), 3 + 11, 4 + 12, 7, 8, 0, 0, 1 + 5 + 9, 2 + 6 + 10);
        assertNull(indices.grad());
    }

    @Test
    void gatherNamesABadIndexAndTheTableSize() {
        Tensor table = t(Shape.of(4, 2), 0, 1, 2, 3, 4, 5, 6, 7);
        assertFails(() -> Ops.gather(table, ids(Shape.of(2, 2), 0, 1, 4, 2)), "index 4", "position [1, 0]", "4 rows");
        assertFails(() -> Ops.gather(table, ids(Shape.of(2), 0, -1)), "index -1", "4 rows");
        assertFails(() -> Ops.gather(t(Shape.of(8), 0, 1, 2, 3, 4, 5, 6, 7), ids(Shape.of(1), 0)), "table [rows, columns]");
        // The backend checks too, with the same information.
        Tensor out = Tensor.empty(backend, DType.F64, Shape.of(1, 2));
        assertFails(() -> backend.gather(4, 2, 1, table.buffer(), ids(Shape.of(1), 9).buffer(), out.buffer()),
                "index 9", "position 0", "4 rows");
    }

    @Test
    void gatherRefusesFloatIndicesAndIndexTables() {
        Tensor table = t(Shape.of(4, 2), 0, 1, 2, 3, 4, 5, 6, 7);
        assertFails(() -> Ops.gather(table, t(Shape.of(2), 0, 1)), "gather", "indices must be an I32 tensor", "F64");
        assertFails(() -> Ops.gather(ids(Shape.of(2, 2), 0, 1, 2, 3), ids(Shape.of(1), 0)), "gather", "F32 or F64");
        Tensor out = Tensor.empty(backend, DType.F64, Shape.of(1, 2));
        assertFails(() -> backend.gather(4, 2, 1, table.buffer(), t(Shape.of(1), 1).buffer(), out.buffer()),
                "gather", "indices", "must be I32");
        Tensor grad = Tensor.zeros(backend, DType.F64, Shape.of(4, 2));
        assertFails(() -> backend.scatterAdd(4, 2, 1, t(Shape.of(1), 1).buffer(), out.buffer(), grad.buffer()),
                "scatterAdd", "indices", "must be I32");
        assertFails(() -> backend.oneHot(1, 3, t(Shape.of(1), 1).buffer(), Tensor.empty(backend, DType.F64,
                Shape.of(1, 3)).buffer()), "oneHot", "indices", "must be I32");
    }

    private Tensor ids(Shape shape, int... values) {
        return Tensor.of(backend, shape, values);
    }

    @Test
    void whereSelectsByAMaskWithBroadcasting() {
        Tensor condition = t(Shape.of(2, 1), 1, 0);
        Tensor a = leaf(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        Tensor b = leaf(Shape.of(3), -1, -2, -3);
        Tensor out = Ops.where(condition, a, b);
        assertValues(out, Shape.of(2, 3), 1, 2, 3, -1, -2, -3);
        backwardWeighted(out, 1, 2, 3, 4, 5, 6);
        assertValues(a.grad(), Shape.of(2, 3), 1, 2, 3, 0, 0, 0);
        assertValues(b.grad(), Shape.of(3), 4, 5, 6);
    }

    @Test
    void maskMultipliesAndTheMaskGetsNoGradient() {
        Tensor x = leaf(Shape.of(2, 2), 1, 2, 3, 4);
        Tensor mask = leaf(Shape.of(2), 0, 1);
        Tensor out = Ops.mask(x, mask);
        assertValues(out, Shape.of(2, 2), 0, 2, 0, 4);
        backwardWeighted(out, 1, 2, 3, 4);
        assertValues(x.grad(), Shape.of(2, 2), 0, 2, 0, 4);
        assertNull(mask.grad());
    }

    @Test
    void matmulTransposeFlagsMatchExplicitTransposes() {
        Tensor a = leaf(Shape.of(3, 2), 1, 2, 3, 4, 5, 6);
        Tensor b = leaf(Shape.of(4, 3), 1, 0, 2, -1, 3, 1, 0, 1, 1, 2, -2, 0);
        // a^T [2, 3] · b^T [3, 4].
        Tensor out = Ops.matmul(a, b, true, true);
        Tensor expected = Ops.matmul(Ops.transpose(a), Ops.transpose(b));
        assertValues(out, Shape.of(2, 4), expected.toDoubleArray());
        assertValues(out, Shape.of(2, 4), 11, 13, 8, -4, 14, 16, 10, -4);
        backwardWeighted(out, 1, 2, 3, 4, 5, 6, 7, 8);
        double[] ga = a.grad().toDoubleArray();
        double[] gb = b.grad().toDoubleArray();
        a.zeroGrad();
        b.zeroGrad();
        backwardWeighted(expected, 1, 2, 3, 4, 5, 6, 7, 8);
        assertArrayEquals(a.grad().toDoubleArray(), ga, 1e-12);
        assertArrayEquals(b.grad().toDoubleArray(), gb, 1e-12);
        assertFails(() -> Ops.matmul(a, b, false, true), "inner dimensions differ", "transposeB=true");
    }

    @Test
    void batchMatmulMultipliesEachPairAndSharesAMatrixOperand() {
        Tensor a = leaf(Shape.of(2, 1, 2), 1, 2, 3, 4);
        Tensor b = leaf(Shape.of(2, 2, 1), 5, 6, 7, 8);
        Tensor out = Ops.batchMatmul(a, b);
        assertValues(out, Shape.of(2, 1, 1), 1 * 5 + 2 * 6, 3 * 7 + 4 * 8);
        backwardWeighted(out, 1, 10);
        assertValues(a.grad(), Shape.of(2, 1, 2), 5, 6, 70, 80);
        assertValues(b.grad(), Shape.of(2, 2, 1), 1, 2, 30, 40);

        Tensor w = leaf(Shape.of(2, 2), 1, 2, 3, 4);
        Tensor shared = Ops.batchMatmul(a, w);
        assertValues(shared, Shape.of(2, 1, 2), 7, 10, 15, 22);
        backwardWeighted(shared, 1, 1, 1, 1);
        // Summed over the batch: [1 + 3, 2 + 4]^T [1, 1].
        assertValues(w.grad(), Shape.of(2, 2), 4, 4, 6, 6);

        Tensor transposed = Ops.batchMatmul(a, w, false, true);
        assertValues(transposed, Shape.of(2, 1, 2), 5, 11, 11, 25);
        assertFails(() -> Ops.batchMatmul(a, t(Shape.of(3, 2, 1), 1, 2, 3, 4, 5, 6)), "batch_matmul", "[3, 2, 1]");
        assertFails(() -> Ops.batchMatmul(a, b, true, false), "inner dimensions differ");
    }
}
