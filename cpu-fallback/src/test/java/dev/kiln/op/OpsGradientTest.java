package dev.kiln.op;

import dev.kiln.backend.DType;
import dev.kiln.check.GradientCheck;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every op's backward rule against central finite differences in F64. */
class OpsGradientTest extends OnCpuBackend {
    static Stream<OpCase> cases() {
        return OpCase.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(OpCase op) {
        List<Tensor> inputs = op.tensors(backend, DType.F64, op.sample(7));
        try {
            GradientCheck.withDefaults().check(() -> op.apply().apply(inputs), inputs).requirePassed();
        } finally {
            inputs.forEach(Tensor::close);
        }
    }
}
