package dev.kiln.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.backend.Backend;
import dev.kiln.opencl.CpuAndOpenCl;
import dev.kiln.backend.DType;
import dev.kiln.check.GradientCheck;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every recurrent layer passes the F64 gradient check on the OpenCL backend too, masked and reading backwards, and
 * gives the CPU backend's outputs: the fused cell kernels of both backends are the adjoints they claim to be.
 */
class RecurrentGradientsOnOpenClTest {
    @RegisterExtension
    static final CpuAndOpenCl BACKENDS = new CpuAndOpenCl();

    private static Layer layer(String kind) {
        return switch (kind) {
            case "simple" -> new SimpleRNN(3).returnSequences(true);
            case "lstm" -> new LSTM(3).returnSequences(true).goBackwards(true);
            case "gru" -> new GRU(3).returnSequences(true);
            case "gru-reset-before" -> new GRU(3).resetAfter(false).returnSequences(true).goBackwards(true);
            default -> new Bidirectional(new GRU(2).returnSequences(true));
        };
    }

    /** The layer's output on {@code backend} for the same weights and a masked batch, after its gradient check there. */
    private static double[] checkedOutput(Backend backend, String kind) {
        try (MemoryScope scope = MemoryScope.open(); Layer layer = layer(kind)) {
            layer.build(Shape.of(4, 2), new ParameterFactory(backend, DType.F64, 9));
            double[] values = new double[3 * 4 * 2];
            for (int i = 0; i < values.length; i++) {
                values[i] = Math.sin(1.3 * i + 0.2);
            }
            Tensor x = Tensor.of(backend, DType.F64, Shape.of(3, 4, 2), values).requiresGrad(true);
            x.withMask(Tensor.of(backend, DType.F64, Shape.of(3, 4), 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1));
            List<Tensor> wrt = new ArrayList<>(List.of(x));
            wrt.addAll(layer.parameters());
            GradientCheck.withDefaults().check(() -> layer.forward(x, ForwardContext.training(0, 0)), wrt)
                    .requirePassed();
            return layer.forward(x, ForwardContext.inference()).toDoubleArray();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "lstm", "gru", "gru-reset-before", "bidirectional"})
    void gradientsMatchCentralDifferencesAndOutputsMatchTheCpu(String kind) {
        assertArrayEquals(checkedOutput(BACKENDS.cpu(), kind), checkedOutput(BACKENDS.openCl(), kind), 1e-12, kind);
    }
}
