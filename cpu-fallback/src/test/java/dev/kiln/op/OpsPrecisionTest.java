package dev.kiln.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.autograd.Autograd;
import dev.kiln.backend.DType;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every op in F32 against the same op in F64, forward and backward, on random inputs. */
class OpsPrecisionTest extends OnCpuBackend {
    private static final double RELATIVE = 1e-4;
    private static final double ABSOLUTE = 1e-5;
    static Stream<OpCase> cases() {
        return OpCase.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void singlePrecisionAgreesWithDouble(OpCase op) {
        List<double[]> values = op.sample(11);
        Run f64 = run(op, DType.F64, values);
        Run f32 = run(op, DType.F32, values);
        assertClose(op + " forward", f64.output, f32.output);
        for (int i = 0; i < f64.grads.size(); i++) {
            assertClose(op + " gradient of input " + i, f64.grads.get(i), f32.grads.get(i));
        }
    }

    private record Run(double[] output, List<double[]> grads) {
    }

    private static Run run(OpCase op, DType dtype, List<double[]> values) {
        List<Tensor> inputs = op.tensors(backend, dtype, values);
        try (MemoryScope ignored = MemoryScope.open()) {
            inputs.forEach(t -> t.requiresGrad(true));
            Tensor out = op.apply().apply(inputs);
            double[] output = out.toDoubleArray();
            double[] weights = new double[output.length];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = 0.5 + (i % 7) * 0.25;
            }
            Autograd.backward(Ops.sum(Ops.mul(out, Tensor.of(backend, dtype, out.shape(), weights))));
            return new Run(output, inputs.stream().map(t -> t.grad().toDoubleArray()).toList());
        } finally {
            inputs.forEach(Tensor::close);
        }
    }

    private static void assertClose(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[i]);
            assertTrue(diff <= ABSOLUTE + RELATIVE * Math.abs(expected[i]),
                    what + " [" + i + "]: f64 " + expected[i] + " vs f32 " + actual[i]);
        }
    }
}
