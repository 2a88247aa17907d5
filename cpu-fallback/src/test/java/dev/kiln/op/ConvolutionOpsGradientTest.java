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

/** Every convolution and pooling op's backward rule against central finite differences in F64, leaving no buffer. */
class ConvolutionOpsGradientTest extends OnCpuBackend {
    private static final Padding2d PAD_1_2_0_1 = Padding2d.of(1, 2, 0, 1);

    static Stream<OpCase> cases() {
        return Stream.of(
                OpCase.binary("conv2d 3x3 valid, 1 channel", in(-1, 1, 2, 5, 5, 1), in(-1, 1, 3, 3, 1, 2),
                        (x, k) -> Ops.conv2d(x, k, WindowOptions.DEFAULT)),
                OpCase.binary("conv2d 3x3 same stride 2, 3 channels", in(-1, 1, 2, 6, 5, 3), in(-1, 1, 3, 3, 3, 2),
                        (x, k) -> Ops.conv2d(x, k, WindowOptions.of(2, Padding2d.SAME))),
                OpCase.binary("conv2d 2x3 dilation 2", in(-1, 1, 1, 7, 8, 2), in(-1, 1, 2, 3, 2, 3),
                        (x, k) -> Ops.conv2d(x, k, new WindowOptions(1, 1, 2, 2, Padding2d.VALID))),
                OpCase.binary("conv2d explicit padding", in(-1, 1, 1, 4, 5, 2), in(-1, 1, 3, 3, 2, 2),
                        (x, k) -> Ops.conv2d(x, k, new WindowOptions(1, 2, 1, 1, PAD_1_2_0_1))),
                OpCase.binary("conv2d 1x1", in(-1, 1, 2, 3, 4, 3), in(-1, 1, 1, 1, 3, 2),
                        (x, k) -> Ops.conv2d(x, k, WindowOptions.DEFAULT)),
                OpCase.binary("conv2d_transpose 3x3 stride 2 same", in(-1, 1, 2, 3, 4, 2), in(-1, 1, 3, 3, 3, 2),
                        (x, k) -> Ops.conv2dTranspose(x, k, WindowOptions.of(2, Padding2d.SAME))),
                OpCase.binary("conv2d_transpose 4x4 stride 2 valid", in(-1, 1, 1, 3, 3, 2), in(-1, 1, 4, 4, 2, 2),
                        (x, k) -> Ops.conv2dTranspose(x, k, WindowOptions.of(2, Padding2d.VALID))),
                OpCase.unary("max_pool2d 2x2", in(-2, 2, 2, 6, 5, 3),
                        x -> Ops.maxPool2d(x, 2, 2, WindowOptions.of(2, Padding2d.VALID))),
                OpCase.unary("max_pool2d 3x3 stride 2 same", in(-2, 2, 2, 7, 6, 2),
                        x -> Ops.maxPool2d(x, 3, 3, WindowOptions.of(2, Padding2d.SAME))),
                OpCase.unary("avg_pool2d 2x2 same", in(-2, 2, 2, 5, 5, 3),
                        x -> Ops.avgPool2d(x, 2, 2, WindowOptions.of(2, Padding2d.SAME))),
                OpCase.unary("avg_pool2d 3x3 stride 1 explicit", in(-2, 2, 1, 4, 5, 2),
                        x -> Ops.avgPool2d(x, 3, 3, WindowOptions.of(1, Padding2d.of(1, 1, 2, 0)))),
                OpCase.unary("up_sampling2d 2x3", in(-2, 2, 2, 3, 2, 2), x -> Ops.upSampling2d(x, 2, 3)),
                OpCase.binary("conv, pool and transpose in a chain", in(-1, 1, 1, 6, 6, 2), in(-1, 1, 3, 3, 2, 2),
                        (x, k) -> Ops.conv2dTranspose(Ops.maxPool2d(Ops.conv2d(x, k, WindowOptions.of(1,
                                Padding2d.SAME)), 2, 2, WindowOptions.of(2, Padding2d.VALID)), k,
                                WindowOptions.of(2, Padding2d.SAME))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(OpCase op) {
        long before = backend.liveBuffers();
        List<Tensor> inputs = op.tensors(backend, DType.F64, op.sample(13));
        try {
            GradientCheck.withDefaults().check(() -> op.apply().apply(inputs), inputs).requirePassed();
        } finally {
            inputs.forEach(Tensor::close);
        }
        assertEquals(before, backend.liveBuffers(), "leaked buffers");
    }
}
