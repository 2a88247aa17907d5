package dev.kiln.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.DType;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.InScopeOnCpuBackend;
import org.junit.jupiter.api.Test;

/** Small cases of every op computed by hand, forward and backward. */
class OpsKnownAnswerTest extends InScopeOnCpuBackend {
    private static Tensor t(Shape shape, double... values) {
        return Tensor.of(backend, DType.F64, shape, values);
    }

    private static Tensor leaf(Shape shape, double... values) {
        return t(shape, values).requiresGrad(true);
    }

    private static void assertValues(Tensor actual, double... expected) {
        assertArrayEquals(expected, actual.toDoubleArray(), 1e-9, actual.toString());
    }

    @Test
    void addBroadcastsRowsAndColumns() {
        Tensor a = leaf(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        Tensor row = leaf(Shape.of(3), 10, 20, 30);
        Tensor col = leaf(Shape.of(2, 1), 100, 200);
        Tensor out = Ops.add(Ops.add(a, row), col);
        assertValues(out, 111, 122, 133, 214, 225, 236);
        Autograd.backward(Ops.sum(out));
        assertValues(a.grad(), 1, 1, 1, 1, 1, 1);
        assertValues(row.grad(), 2, 2, 2);
        assertValues(col.grad(), 3, 3);
    }

    @Test
    void subMulDivAndTheirGradients() {
        Tensor a = leaf(Shape.of(2), 6, 8);
        Tensor b = leaf(Shape.of(2), 2, 4);
        assertValues(Ops.sub(a, b), 4, 4);
        assertValues(Ops.mul(a, b), 12, 32);
        Tensor q = Ops.div(a, b);
        assertValues(q, 3, 2);
        Autograd.backward(Ops.sum(q));
        assertValues(a.grad(), 0.5, 0.25);
        assertValues(b.grad(), -6.0 / 4, -8.0 / 16);
    }

    @Test
    void maximumAndMinimumRouteGradients() {
        Tensor a = leaf(Shape.of(3), 1, 5, 3);
        Tensor b = leaf(Shape.of(3), 2, 4, 3);
        Tensor max = Ops.maximum(a, b);
        assertValues(max, 2, 5, 3);
        Autograd.backward(Ops.sum(max));
        assertValues(a.grad(), 0, 1, 1);
        assertValues(b.grad(), 1, 0, 0);
        assertValues(Ops.minimum(a, b), 1, 4, 3);
        assertValues(Ops.compare(BinaryOp.EQUAL, a, b), 0, 0, 1);
        assertValues(Ops.compare(BinaryOp.GREATER, a, b), 0, 1, 0);
    }

    @Test
    void matmulAndItsGradients() {
        Tensor a = leaf(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        Tensor b = leaf(Shape.of(3, 2), 7, 8, 9, 10, 11, 12);
        Tensor c = Ops.matmul(a, b);
        assertValues(c, 58, 64, 139, 154);
        Autograd.backward(Ops.sum(c));
        // dC/dA = ones(2,2) · Bᵀ: each row is the row sums of B; dC/dB = Aᵀ · ones: each row is a column sum of A.
        assertValues(a.grad(), 15, 19, 23, 15, 19, 23);
        assertValues(b.grad(), 5, 5, 7, 7, 9, 9);
    }

    @Test
    void matmulRejectsMismatchedInnerDimensions() {
        KilnException e = assertThrows(KilnException.class,
                () -> Ops.matmul(t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6), t(Shape.of(2, 2), 1, 2, 3, 4)));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[2, 2]"), e.getMessage());
    }

    @Test
    void transposeAndReshape() {
        Tensor a = t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        assertValues(Ops.transpose(a), 1, 4, 2, 5, 3, 6);
        assertEquals(Shape.of(3, 2), Ops.transpose(a).shape());
        assertEquals(Shape.of(3, 2), Ops.reshape(a, Shape.of(3, 2)).shape());
        assertValues(Ops.reshape(a, Shape.of(6)), 1, 2, 3, 4, 5, 6);
        assertThrows(KilnException.class, () -> Ops.reshape(a, Shape.of(4, 2)));
    }

    @Test
    void elementaryFunctions() {
        Tensor x = t(Shape.of(3), 1, 4, 9);
        assertValues(Ops.neg(x), -1, -4, -9);
        assertValues(Ops.sqrt(x), 1, 2, 3);
        assertValues(Ops.square(x), 1, 16, 81);
        assertValues(Ops.log(x), 0, Math.log(4), Math.log(9));
        assertValues(Ops.exp(x), Math.E, Math.exp(4), Math.exp(9));
        assertValues(Ops.reciprocal(x), 1, 0.25, 1.0 / 9);
        assertValues(Ops.abs(t(Shape.of(3), -2, 0, 3)), 2, 0, 3);
        assertValues(Ops.affine(x, 2, 1), 3, 9, 19);
        assertValues(Ops.clip(t(Shape.of(3), -2, 0.5, 3), 0, 1), 0, 0.5, 1);
    }

    @Test
    void elementaryDerivatives() {
        Tensor x = leaf(Shape.of(2), 1, 4);
        Autograd.backward(Ops.sum(Ops.add(Ops.add(Ops.sqrt(x), Ops.square(x)), Ops.log(x))));
        // d/dx (sqrt x + x^2 + ln x) = 1/(2 sqrt x) + 2x + 1/x
        assertValues(x.grad(), 0.5 + 2 + 1, 0.25 + 8 + 0.25);
    }

    @Test
    void activations() {
        Tensor x = t(Shape.of(4), -2, -0.5, 0.5, 2);
        assertValues(Ops.relu(x), 0, 0, 0.5, 2);
        assertValues(Ops.leakyRelu(x, 0.1), -0.2, -0.05, 0.5, 2);
        assertValues(Ops.elu(x, 1.0), Math.exp(-2) - 1, Math.exp(-0.5) - 1, 0.5, 2);
        assertValues(Ops.sigmoid(x), 1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(0.5)), 1 / (1 + Math.exp(-0.5)),
                1 / (1 + Math.exp(-2)));
        assertValues(Ops.tanh(x), Math.tanh(-2), Math.tanh(-0.5), Math.tanh(0.5), Math.tanh(2));
        assertValues(Ops.softplus(t(Shape.of(3), -50, 0, 50)), Math.log1p(Math.exp(-50)), Math.log(2), 50);
    }

    @Test
    void activationDerivatives() {
        Tensor x = leaf(Shape.of(2), -1, 2);
        Autograd.backward(Ops.sum(Ops.add(Ops.add(Ops.relu(x), Ops.leakyRelu(x, 0.2)), Ops.sigmoid(x))));
        double s1 = 1 / (1 + Math.exp(1));
        double s2 = 1 / (1 + Math.exp(-2));
        assertValues(x.grad(), 0 + 0.2 + s1 * (1 - s1), 1 + 1 + s2 * (1 - s2));
    }

    @Test
    void reductions() {
        Tensor x = t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        assertValues(Ops.sum(x), 21);
        assertValues(Ops.mean(x), 3.5);
        assertValues(Ops.sum(x, 0), 5, 7, 9);
        assertValues(Ops.sum(x, 1), 6, 15);
        assertValues(Ops.mean(x, -1), 2, 5);
        assertValues(Ops.max(x, 0), 4, 5, 6);
        assertValues(Ops.min(x, 1), 1, 4);
        assertValues(Ops.argmax(t(Shape.of(2, 3), 1, 9, 3, 7, 5, 7), 1), 1, 0);
        assertEquals(Shape.of(3), Ops.sum(x, 0).shape());
    }

    @Test
    void reductionGradients() {
        Tensor x = leaf(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        Autograd.backward(Ops.sum(Ops.mul(Ops.mean(x, 1), t(Shape.of(2), 3, 6))));
        assertValues(x.grad(), 1, 1, 1, 2, 2, 2);
        Tensor y = leaf(Shape.of(2, 3), 1, 7, 3, 4, 5, 6);
        Autograd.backward(Ops.sum(Ops.max(y, 1)));
        assertValues(y.grad(), 0, 1, 0, 0, 0, 1);
    }

    @Test
    void tiedExtremesShareTheGradientEvenly() {
        Tensor x = leaf(Shape.of(2, 4), 3, 1, 3, 3, 2, 5, 2, 5);
        Tensor max = Ops.max(x, 1);
        assertValues(max, 3, 5);
        Autograd.backward(Ops.sum(Ops.mul(max, t(Shape.of(2), 6, 4))));
        // Three tied maxima share 6, two share 4: each slot's gradients sum to its upstream gradient.
        assertValues(x.grad(), 2, 0, 2, 2, 0, 2, 0, 2);

        Tensor y = leaf(Shape.of(3, 2), 1, 4, 1, 0, 2, 0);
        Autograd.backward(Ops.sum(Ops.min(y, 0)));
        assertValues(y.grad(), 0.5, 0, 0.5, 0.5, 0, 0.5);

        Tensor z = leaf(Shape.of(4), 7, 7, 7, 7);
        Autograd.backward(Ops.sum(Ops.max(z, 0)));
        assertValues(z.grad(), 0.25, 0.25, 0.25, 0.25);
    }

    @Test
    void softmaxFamily() {
        Tensor x = t(Shape.of(1, 3), 1, 2, 3);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertValues(Ops.softmax(x), Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z);
        assertValues(Ops.logSoftmax(x), 1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z));
        Tensor big = t(Shape.of(1, 2), 1000, 1000);
        assertValues(Ops.softmax(big), 0.5, 0.5);
    }

    @Test
    void fusedSoftmaxCrossEntropy() {
        Tensor logits = leaf(Shape.of(2, 3), 1, 2, 3, 0, 0, 0);
        Tensor targets = t(Shape.of(2, 3), 0, 0, 1, 1, 0, 0);
        Tensor losses = Ops.softmaxCrossEntropy(logits, targets);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertValues(losses, Math.log(z) - 3, Math.log(3));
        Autograd.backward(Ops.sum(losses));
        assertValues(logits.grad(), Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z - 1,
                1.0 / 3 - 1, 1.0 / 3, 1.0 / 3);
    }

    @Test
    void oneHot() {
        Tensor labels = Tensor.of(backend, Shape.of(3), 2, 0, 5);
        assertValues(Ops.oneHot(labels, 3, DType.F64), 0, 0, 1, 1, 0, 0, 0, 0, 0);
        Tensor floats = Ops.oneHot(labels, 3, DType.F32);
        assertEquals(DType.F32, floats.dtype());
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 0, 0}, floats.toFloatArray());
    }

    @Test
    void oneHotTakesI32IndicesOnly() {
        KilnException e = assertThrows(KilnException.class,
                () -> Ops.oneHot(t(Shape.of(2), 0, 1), 3, DType.F64));
        assertTrue(e.getMessage().contains("one_hot") && e.getMessage().contains("I32"), e.getMessage());
        KilnException rows = assertThrows(KilnException.class,
                () -> Ops.oneHot(Tensor.of(backend, Shape.of(1), 0), 3, DType.I32));
        assertTrue(rows.getMessage().contains("F32 or F64"), rows.getMessage());
    }

    @Test
    void mixingBackendsOrDtypesIsAnError() {
        Tensor a = t(Shape.of(2), 1, 2);
        Tensor b = Tensor.of(backend, Shape.of(2), 1f, 2f);
        KilnException e = assertThrows(KilnException.class, () -> Ops.add(a, b));
        assertTrue(e.getMessage().contains("F64") && e.getMessage().contains("F32"), e.getMessage());
    }
}
