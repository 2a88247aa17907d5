package dev.kiln.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.check.GradientCheck;
import dev.kiln.init.Initializers;
import dev.kiln.opencl.CpuAndOpenCl;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dense layers pass the F64 gradient check on the OpenCL backend with every activation, with and without a bias, and
 * give the CPU backend's outputs: the fused gemm epilogue and bias_activation_backward are the adjoints they claim.
 */
class DenseGradientsOnOpenClTest {
    @RegisterExtension
    static final CpuAndOpenCl BACKENDS = new CpuAndOpenCl();

    /** The layer's output on {@code backend} for the same weights and inputs, after its gradient check there. */
    private static double[] checkedOutput(Backend backend, ActivationFunction activation, boolean bias) {
        try (MemoryScope scope = MemoryScope.open(); Dense layer = new Dense(5, activation).useBias(bias)) {
            layer.biasInitializer(Initializers.constant(0.3));
            layer.build(Shape.of(3), new ParameterFactory(backend, DType.F64, 11));
            double[] values = new double[4 * 3];
            for (int i = 0; i < values.length; i++) {
                values[i] = Math.sin(1.3 * i + 0.2);
            }
            Tensor x = Tensor.of(backend, DType.F64, Shape.of(4, 3), values).requiresGrad(true);
            List<Tensor> wrt = new ArrayList<>(List.of(x));
            wrt.addAll(layer.parameters());
            GradientCheck.withDefaults().check(() -> layer.forward(x, ForwardContext.training(0, 0)), wrt)
                    .requirePassed();
            return layer.forward(x, ForwardContext.inference()).toDoubleArray();
        }
    }

    @ParameterizedTest
    @EnumSource(ActivationFunction.class)
    void gradientsMatchCentralDifferencesAndOutputsMatchTheCpu(ActivationFunction activation) {
        for (boolean bias : new boolean[] {true, false}) {
            assertArrayEquals(checkedOutput(BACKENDS.cpu(), activation, bias),
                    checkedOutput(BACKENDS.openCl(), activation, bias), 1e-12,
                    activation + (bias ? "" : " without bias"));
        }
    }
}
