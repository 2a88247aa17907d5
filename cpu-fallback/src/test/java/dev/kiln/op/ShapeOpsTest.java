package dev.kiln.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.DType;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every shape op on small hand-written arrays, forward and backward, its errors, and no leaked buffers. */
class ShapeOpsTest extends OnCpuBackend {
    private long buffersBefore;
    private MemoryScope scope;

    @BeforeEach
    void openScope() {
        buffersBefore = backend.liveBuffers();
        scope = MemoryScope.open();
    }

    @AfterEach
    void closeScopeAndCountBuffers() {
        scope.close();
        assertEquals(buffersBefore, backend.liveBuffers(), "buffers leaked past the test's memory scope");
    }

    private static Tensor t(Shape shape, double... values) {
        return Tensor.of(backend, DType.F64, shape, values);
    }

    private static Tensor leaf(Shape shape, double... values) {
        return t(shape, values).requiresGrad(true);
    }

    private static void assertValues(Tensor actual, Shape shape, double... expected) {
        assertEquals(shape, actual.shape(), "shape of " + actual);
        assertArrayEquals(expected, actual.toDoubleArray(), 0, actual.toString());
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
    void concatJoinsAlongAnyAxisAndSlicesTheGradientBack() {
        Tensor a = leaf(Shape.of(2, 2), 1, 2, 3, 4);
        Tensor b = leaf(Shape.of(2, 1), 5, 6);
        Tensor out = ShapeOps.concat(List.of(a, b), 1);
        assertValues(out, Shape.of(2, 3), 1, 2, 5, 3, 4, 6);
        assertValues(ShapeOps.concat(List.of(a, b), -1), Shape.of(2, 3), 1, 2, 5, 3, 4, 6);
        assertValues(ShapeOps.concat(List.of(a, t(Shape.of(1, 2), 7, 8)), 0), Shape.of(3, 2), 1, 2, 3, 4, 7, 8);
        backwardWeighted(out, 1, 2, 3, 4, 5, 6);
        assertValues(a.grad(), Shape.of(2, 2), 1, 2, 4, 5);
        assertValues(b.grad(), Shape.of(2, 1), 3, 6);
    }

    @Test
    void concatOfAMiddleAxisAndOfOnePartTwice() {
        Tensor x = leaf(Shape.of(2, 1, 2), 1, 2, 3, 4);
        Tensor y = t(Shape.of(2, 2, 2), 5, 6, 7, 8, 9, 10, 11, 12);
        Tensor out = ShapeOps.concat(List.of(x, y, x), 1);
        assertValues(out, Shape.of(2, 4, 2), 1, 2, 5, 6, 7, 8, 1, 2, 3, 4, 9, 10, 11, 12, 3, 4);
        backwardWeighted(out, 1, 1, 0, 0, 0, 0, 10, 10, 2, 2, 0, 0, 0, 0, 20, 20);
        // x appears at positions 0 and 3 of the axis: its gradient is the sum of both slices.
        assertValues(x.grad(), Shape.of(2, 1, 2), 11, 11, 22, 22);
    }

    @Test
    void concatInF32() {
        Tensor a = Tensor.of(backend, Shape.of(1, 2), 1.5f, 2.5f);
        Tensor b = Tensor.of(backend, Shape.of(1, 3), 3.5f, 4.5f, 5.5f);
        Tensor out = ShapeOps.concat(List.of(a, b), 1);
        assertEquals(DType.F32, out.dtype());
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, out.toFloatArray());
    }

    @Test
    void narrowTakesASliceAndPutsTheGradientIntoZeros() {
        Tensor x = leaf(Shape.of(2, 4), 0, 1, 2, 3, 4, 5, 6, 7);
        Tensor middle = ShapeOps.narrow(x, 1, 1, 2);
        assertValues(middle, Shape.of(2, 2), 1, 2, 5, 6);
        assertValues(ShapeOps.narrow(x, 0, 1, 1), Shape.of(1, 4), 4, 5, 6, 7);
        assertValues(ShapeOps.narrow(x, -1, 3, 1), Shape.of(2, 1), 3, 7);
        assertValues(ShapeOps.narrow(x, 1, 4, 0), Shape.of(2, 0));
        backwardWeighted(middle, 1, 2, 3, 4);
        assertValues(x.grad(), Shape.of(2, 4), 0, 1, 2, 0, 0, 3, 4, 0);
    }

    @Test
    void splitGivesConsecutiveDifferentiableParts() {
        Tensor x = leaf(Shape.of(2, 5), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        List<Tensor> parts = ShapeOps.split(x, 1, 2, 0, 3);
        assertEquals(3, parts.size());
        assertValues(parts.get(0), Shape.of(2, 2), 0, 1, 5, 6);
        assertValues(parts.get(1), Shape.of(2, 0));
        assertValues(parts.get(2), Shape.of(2, 3), 2, 3, 4, 7, 8, 9);
        Autograd.backward(Ops.add(Ops.sum(Ops.affine(parts.get(0), 2, 0)), Ops.sum(Ops.affine(parts.get(2), 3, 0))));
        assertValues(x.grad(), Shape.of(2, 5), 2, 2, 3, 3, 3, 2, 2, 3, 3, 3);
        List<Tensor> rows = ShapeOps.split(x, 0, 1, 1);
        assertValues(rows.get(1), Shape.of(1, 5), 5, 6, 7, 8, 9);
    }

    @Test
    void stackAddsAnAxis() {
        Tensor a = leaf(Shape.of(3), 1, 2, 3);
        Tensor b = leaf(Shape.of(3), 4, 5, 6);
        assertValues(ShapeOps.stack(List.of(a, b), 0), Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        assertValues(ShapeOps.stack(List.of(a, b), -1), Shape.of(3, 2), 1, 4, 2, 5, 3, 6);
        Tensor columns = ShapeOps.stack(List.of(a, b), 1);
        assertValues(columns, Shape.of(3, 2), 1, 4, 2, 5, 3, 6);
        backwardWeighted(columns, 1, 2, 3, 4, 5, 6);
        assertValues(a.grad(), Shape.of(3), 1, 3, 5);
        assertValues(b.grad(), Shape.of(3), 2, 4, 6);
    }

    @Test
    void padSurroundsWithTheValueAndTheGradientIsTheInterior() {
        Tensor x = leaf(Shape.of(2, 2), 1, 2, 3, 4);
        Tensor out = ShapeOps.pad(x, new int[][] {{1, 0}, {0, 2}}, 9);
        assertValues(out, Shape.of(3, 4), 9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9);
        backwardWeighted(out, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertValues(x.grad(), Shape.of(2, 2), 5, 6, 9, 10);
        Tensor y = t(Shape.of(1, 2, 1), 1, 2);
        assertValues(ShapeOps.pad(y, new int[][] {{0, 0}, {1, 1}, {2, 0}}, 0), Shape.of(1, 4, 3),
                0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0);
    }

    @Test
    void padWithoutPaddingIsACopyWhoseGradientPassesThrough() {
        Tensor x = leaf(Shape.of(2), 1, 2);
        Tensor out = ShapeOps.pad(x, new int[][] {{0, 0}}, 5);
        assertNotSame(x.buffer(), out.buffer());
        assertValues(out, Shape.of(2), 1, 2);
        backwardWeighted(out, 3, 4);
        assertValues(x.grad(), Shape.of(2), 3, 4);
    }

    @Test
    void paddingSeveralAxesFreesItsIntermediates() {
        Tensor x = t(Shape.of(2, 3, 2), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        long before = backend.liveBuffers();
        Tensor out = ShapeOps.pad(x, new int[][] {{1, 1}, {0, 1}, {2, 0}}, -1);
        assertEquals(before + 1, backend.liveBuffers(), "only the output stays allocated");
        assertEquals(Shape.of(4, 4, 4), out.shape());
        double[] values = out.toDoubleArray();
        assertEquals(16 * 4 - 12, java.util.Arrays.stream(values).filter(v -> v == -1).count());
        // x[1, 2, 1] = 12 lands at out[2, 2, 3].
        assertEquals(12, values[(2 * 4 + 2) * 4 + 3]);
    }

    @Test
    void onlyInputsThatNeedGradientsAreRecorded() {
        Tensor x = t(Shape.of(2, 2), 1, 2, 3, 4);
        assertEquals(null, ShapeOps.concat(List.of(x, x), 0).node());
        Tensor y = leaf(Shape.of(2, 2), 1, 2, 3, 4);
        assertEquals("concat", ShapeOps.concat(List.of(x, y), 0).node().op());
        assertEquals("narrow", ShapeOps.narrow(y, 0, 0, 1).node().op());
        assertEquals("pad", ShapeOps.pad(y, new int[][] {{0, 1}, {0, 0}}, 0).node().op());
    }

    @Test
    void concatErrorsNameTheShapes() {
        Tensor a = t(Shape.of(2, 2), 1, 2, 3, 4);
        assertFails(() -> ShapeOps.concat(List.of(a, t(Shape.of(3, 1), 1, 2, 3)), 1), "concat", "axis 1",
                "[2, 2]", "[3, 1]");
        assertFails(() -> ShapeOps.concat(List.of(a, t(Shape.of(4), 1, 2, 3, 4)), 0), "concat", "[2, 2]", "[4]");
        assertFails(() -> ShapeOps.concat(List.of(a, a), 2), "concat", "axis 2", "out of range", "[2, 2]");
        assertFails(() -> ShapeOps.concat(List.of(a, a), -3), "concat", "axis -3", "out of range");
        assertFails(() -> ShapeOps.concat(List.of(), 0), "concat", "at least one part");
        assertFails(() -> ShapeOps.concat(List.of(a, Tensor.of(backend, Shape.of(2, 2), 1f, 2f, 3f, 4f)), 0),
                "concat", "F64", "F32");
    }

    @Test
    void sliceErrorsNameTheRangeAndTheShape() {
        Tensor x = t(Shape.of(2, 4), 0, 1, 2, 3, 4, 5, 6, 7);
        assertFails(() -> ShapeOps.narrow(x, 1, 3, 2), "narrow", "[3, 5)", "[0, 4)", "[2, 4]");
        assertFails(() -> ShapeOps.narrow(x, 1, -1, 1), "narrow", "[-1, 0)");
        assertFails(() -> ShapeOps.narrow(x, 2, 0, 1), "narrow", "axis 2", "out of range");
        assertFails(() -> ShapeOps.split(x, 1, 2, 3), "split", "sum to 5", "[2, 4]");
        assertFails(() -> ShapeOps.split(x, 1, 5, -1), "split", "negative");
    }

    @Test
    void stackAndPadErrors() {
        Tensor a = t(Shape.of(3), 1, 2, 3);
        assertFails(() -> ShapeOps.stack(List.of(a, t(Shape.of(2), 1, 2)), 0), "stack", "[3]", "[2]");
        assertFails(() -> ShapeOps.stack(List.of(a, a), 2), "stack", "axis 2", "out of range");
        assertFails(() -> ShapeOps.pad(a, new int[][] {{1, 1}, {0, 0}}, 0), "pad", "1 axes", "[3]", "2 rows");
        assertFails(() -> ShapeOps.pad(a, new int[][] {{1, -1}}, 0), "pad", "axis 0", "[1, -1]");
        assertFails(() -> ShapeOps.pad(a, new int[][] {{1}}, 0), "pad", "axis 0", "[1]");
    }
}
