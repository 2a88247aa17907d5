package dev.kiln.op;

import static dev.kiln.op.OpCase.in;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.DType;
import dev.kiln.check.GradientCheck;
import dev.kiln.tensor.Tensor;
import dev.kiln.testing.OnCpuBackend;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shape op's backward rule against central finite differences in F64, with no buffer left behind. */
class ShapeOpsGradientTest extends OnCpuBackend {
    static Stream<OpCase> cases() {
        return Stream.of(
                new OpCase("concat axis 0", List.of(in(-2, 2, 2, 3), in(-2, 2, 1, 3), in(-2, 2, 3, 3)),
                        parts -> ShapeOps.concat(parts, 0)),
                new OpCase("concat middle axis", List.of(in(-2, 2, 2, 1, 3), in(-2, 2, 2, 3, 3)),
                        parts -> ShapeOps.concat(parts, -2)),
                new OpCase("concat last axis", List.of(in(-2, 2, 3, 2), in(-2, 2, 3, 5)),
                        parts -> ShapeOps.concat(parts, 1)),
                OpCase.unary("concat of one tensor and its square", in(-2, 2, 2, 3),
                        x -> ShapeOps.concat(List.of(x, Ops.square(x), x), 1)),
                OpCase.unary("narrow middle axis", in(-2, 2, 2, 5, 3), x -> ShapeOps.narrow(x, 1, 1, 3)),
                OpCase.unary("narrow first axis", in(-2, 2, 4, 3), x -> ShapeOps.narrow(x, 0, 2, 2)),
                OpCase.unary("split then recombine", in(-2, 2, 3, 5), x -> {
                    List<Tensor> parts = ShapeOps.split(x, 1, 2, 1, 2);
                    return ShapeOps.concat(List.of(Ops.square(parts.get(2)), parts.get(0), Ops.exp(parts.get(1))), 1);
                }),
                new OpCase("stack axis 1", List.of(in(-2, 2, 2, 3), in(-2, 2, 2, 3), in(-2, 2, 2, 3)),
                        parts -> ShapeOps.stack(parts, 1)),
                new OpCase("stack last axis", List.of(in(-2, 2, 4), in(-2, 2, 4)),
                        parts -> ShapeOps.stack(parts, -1)),
                OpCase.unary("pad one axis", in(-2, 2, 3, 4), x -> ShapeOps.pad(x, new int[][] {{0, 0}, {2, 1}}, 0.5)),
                OpCase.unary("pad three axes", in(-2, 2, 2, 3, 2),
                        x -> ShapeOps.pad(x, new int[][] {{1, 0}, {1, 2}, {0, 3}}, -1)),
                OpCase.unary("pad nothing", in(-2, 2, 2, 3), x -> ShapeOps.pad(x, new int[][] {{0, 0}, {0, 0}}, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(OpCase op) {
        long before = backend.liveBuffers();
        List<Tensor> inputs = op.tensors(backend, DType.F64, op.sample(11));
        try {
            GradientCheck.withDefaults().check(() -> op.apply().apply(inputs), inputs).requirePassed();
        } finally {
            inputs.forEach(Tensor::close);
        }
        assertEquals(before, backend.liveBuffers(), "leaked buffers");
    }
}
