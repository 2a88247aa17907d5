package dev.kiln.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
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
        Tensor out = a.add(row).add(col);
        assertValues(out, 111, 122, 133, 214, 225, 236);
        out.sum().backward();
        assertValues(a.grad(), 1, 1, 1, 1, 1, 1);
        assertValues(row.grad(), 2, 2, 2);
        assertValues(col.grad(), 3, 3);
    }

    @Test
    void subMulDivAndTheirGradients() {
        Tensor a = leaf(Shape.of(2), 6, 8);
        Tensor b = leaf(Shape.of(2), 2, 4);
        assertValues(a.sub(b), 4, 4);
        assertValues(a.mul(b), 12, 32);
        Tensor q = a.div(b);
        assertValues(q, 3, 2);
        q.sum().backward();
        assertValues(a.grad(), 0.5, 0.25);
        assertValues(b.grad(), -6.0 / 4, -8.0 / 16);
    }

    @Test
    void maximumAndMinimumRouteGradients() {
        Tensor a = leaf(Shape.of(3), 1, 5, 3);
        Tensor b = leaf(Shape.of(3), 2, 4, 3);
        Tensor max = Ops.maximum(a, b);
        assertValues(max, 2, 5, 3);
        max.sum().backward();
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
        Tensor c = a.matmul(b);
        assertValues(c, 58, 64, 139, 154);
        c.sum().backward();
        // dC/dA = ones(2,2) · Bᵀ: each row is the row sums of B; dC/dB = Aᵀ · ones: each row is a column sum of A.
        assertValues(a.grad(), 15, 19, 23, 15, 19, 23);
        assertValues(b.grad(), 5, 5, 7, 7, 9, 9);
    }

    @Test
    void matmulRejectsMismatchedInnerDimensions() {
        KilnException e = assertThrows(KilnException.class,
                () -> t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6).matmul(t(Shape.of(2, 2), 1, 2, 3, 4)));
        assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[2, 2]"), e.getMessage());
    }

    @Test
    void transposeAndReshape() {
        Tensor a = t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        assertValues(a.transpose(), 1, 4, 2, 5, 3, 6);
        assertEquals(Shape.of(3, 2), a.transpose().shape());
        assertEquals(Shape.of(3, 2), a.reshape(3, 2).shape());
        assertValues(a.reshape(6), 1, 2, 3, 4, 5, 6);
        assertThrows(KilnException.class, () -> a.reshape(4, 2));
    }

    @Test
    void elementaryFunctions() {
        Tensor x = t(Shape.of(3), 1, 4, 9);
        assertValues(x.neg(), -1, -4, -9);
        assertValues(x.sqrt(), 1, 2, 3);
        assertValues(x.square(), 1, 16, 81);
        assertValues(x.log(), 0, Math.log(4), Math.log(9));
        assertValues(x.exp(), Math.E, Math.exp(4), Math.exp(9));
        assertValues(Ops.reciprocal(x), 1, 0.25, 1.0 / 9);
        assertValues(t(Shape.of(3), -2, 0, 3).abs(), 2, 0, 3);
        assertValues(Ops.affine(x, 2, 1), 3, 9, 19);
        assertValues(Ops.clip(t(Shape.of(3), -2, 0.5, 3), 0, 1), 0, 0.5, 1);
    }

    @Test
    void elementaryDerivatives() {
        Tensor x = leaf(Shape.of(2), 1, 4);
        x.sqrt().add(x.square()).add(x.log()).sum().backward();
        // d/dx (sqrt x + x^2 + ln x) = 1/(2 sqrt x) + 2x + 1/x
        assertValues(x.grad(), 0.5 + 2 + 1, 0.25 + 8 + 0.25);
    }

    @Test
    void activations() {
        Tensor x = t(Shape.of(4), -2, -0.5, 0.5, 2);
        assertValues(x.relu(), 0, 0, 0.5, 2);
        assertValues(Ops.leakyRelu(x, 0.1), -0.2, -0.05, 0.5, 2);
        assertValues(Ops.elu(x, 1.0), Math.exp(-2) - 1, Math.exp(-0.5) - 1, 0.5, 2);
        assertValues(x.sigmoid(), 1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(0.5)), 1 / (1 + Math.exp(-0.5)),
                1 / (1 + Math.exp(-2)));
        assertValues(x.tanh(), Math.tanh(-2), Math.tanh(-0.5), Math.tanh(0.5), Math.tanh(2));
        assertValues(Ops.softplus(t(Shape.of(3), -50, 0, 50)), Math.log1p(Math.exp(-50)), Math.log(2), 50);
    }

    @Test
    void activationDerivatives() {
        Tensor x = leaf(Shape.of(2), -1, 2);
        x.relu().add(Ops.leakyRelu(x, 0.2)).add(x.sigmoid()).sum().backward();
        double s1 = 1 / (1 + Math.exp(1));
        double s2 = 1 / (1 + Math.exp(-2));
        assertValues(x.grad(), 0 + 0.2 + s1 * (1 - s1), 1 + 1 + s2 * (1 - s2));
    }

    @Test
    void reductions() {
        Tensor x = t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        assertValues(x.sum(), 21);
        assertValues(x.mean(), 3.5);
        assertValues(x.sum(0), 5, 7, 9);
        assertValues(x.sum(1), 6, 15);
        assertValues(x.mean(-1), 2, 5);
        assertValues(Ops.max(x, 0), 4, 5, 6);
        assertValues(Ops.min(x, 1), 1, 4);
        assertValues(Ops.argmax(t(Shape.of(2, 3), 1, 9, 3, 7, 5, 7), 1), 1, 0);
        assertEquals(Shape.of(3), x.sum(0).shape());
    }

    @Test
    void reductionGradients() {
        Tensor x = leaf(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        x.mean(1).mul(t(Shape.of(2), 3, 6)).sum().backward();
        assertValues(x.grad(), 1, 1, 1, 2, 2, 2);
        Tensor y = leaf(Shape.of(2, 3), 1, 7, 3, 4, 5, 6);
        Ops.max(y, 1).sum().backward();
        assertValues(y.grad(), 0, 1, 0, 0, 0, 1);
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
        losses.sum().backward();
        assertValues(logits.grad(), Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z - 1,
                1.0 / 3 - 1, 1.0 / 3, 1.0 / 3);
    }

    @Test
    void oneHot() {
        Tensor labels = t(Shape.of(3), 2, 0, 5);
        assertValues(Ops.oneHot(labels, 3), 0, 0, 1, 1, 0, 0, 0, 0, 0);
    }

    @Test
    void mixingBackendsOrDtypesIsAnError() {
        Tensor a = t(Shape.of(2), 1, 2);
        Tensor b = Tensor.of(backend, Shape.of(2), 1f, 2f);
        KilnException e = assertThrows(KilnException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("F64") && e.getMessage().contains("F32"), e.getMessage());
    }
}
