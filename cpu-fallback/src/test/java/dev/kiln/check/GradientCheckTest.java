package dev.kiln.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientCheckTest extends OnCpuBackend {
    /** x^3 with a deliberately wrong backward rule (2x instead of 3x^2). */
    private static Tensor wrongCube(Tensor x) {
        Tensor out;
        try (var noGrad = dev.kiln.autograd.GradMode.disabled()) {
            out = Ops.mul(Ops.mul(x, x), x);
        }
        return Ops.record(out, "wrong_cube", g -> new Tensor[] {Ops.mul(g, Ops.affine(x, 2, 0))}, x);
    }

    @Test
    void aCorrectCompositionPasses() {
        try (Tensor x = Tensor.of(backend, DType.F64, Shape.of(2, 3), 0.1, -0.4, 0.7, 1.2, -1.1, 0.3);
             Tensor w = Tensor.of(backend, DType.F64, Shape.of(3, 2), 0.5, -0.2, 0.3, 0.8, -0.6, 0.1)) {
            GradientCheck.Result result = GradientCheck.withDefaults()
                    .check(() -> Ops.tanh(Ops.matmul(x, w)), List.of(x, w));
            assertTrue(result.passed());
            assertEquals(12, result.checked());
            assertFalse(x.requiresGrad());
        }
    }

    @Test
    void aWrongBackwardRuleIsReportedWithItsTensorAndIndex() {
        try (Tensor x = Tensor.of(backend, DType.F64, Shape.of(3), 0.5, 1.5, 2.0).named("x")) {
            GradientCheck.Result result = GradientCheck.withDefaults().check(() -> wrongCube(x), List.of(x));
            assertFalse(result.passed());
            assertEquals(3, result.failures().size());
            KilnException e = assertThrows(KilnException.class, result::requirePassed);
            assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        }
    }

    @Test
    void largeTensorsAreSampled() {
        try (Tensor x = Tensor.of(backend, DType.F64, Shape.of(1000), new double[1000])) {
            GradientCheck check = new GradientCheck(new GradientCheck.Options(1e-6, 1e-5, 1e-8, 10, 1));
            assertEquals(10, check.check(() -> Ops.sigmoid(x), List.of(x)).requirePassed().checked());
        }
    }

    @Test
    void singlePrecisionIsRefused() {
        try (Tensor x = Tensor.of(backend, Shape.of(1), 1f)) {
            KilnException e = assertThrows(KilnException.class,
                    () -> GradientCheck.withDefaults().check(() -> Ops.square(x), List.of(x)));
            assertTrue(e.getMessage().contains("F64"), e.getMessage());
        }
    }

    @Test
    void valuesAreRestoredAfterTheCheck() {
        try (Tensor x = Tensor.of(backend, DType.F64, Shape.of(2), 0.25, -0.75)) {
            GradientCheck.withDefaults().check(() -> Ops.exp(x), List.of(x));
            assertEquals(0.25, x.toDoubleArray()[0]);
            assertEquals(-0.75, x.toDoubleArray()[1]);
        }
    }
}
