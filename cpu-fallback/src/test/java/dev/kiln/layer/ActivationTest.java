package dev.kiln.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ActivationTest {
    private static final double[] X = {-2, -0.5, 0.25, 3, 1, -1};
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private static DoubleUnaryOperator elementWise(ActivationFunction f) {
        return switch (f) {
            case LINEAR -> x -> x;
            case RELU -> x -> Math.max(x, 0);
            case LEAKY_RELU -> x -> x > 0 ? x : 0.01 * x;
            case ELU -> x -> x > 0 ? x : Math.exp(x) - 1;
            case SIGMOID -> x -> 1 / (1 + Math.exp(-x));
            case TANH -> Math::tanh;
            default -> null;
        };
    }

    /** Row-wise reference for the softmax family over rows of 3. */
    private static double[] rowWise(boolean log) {
        double[] out = new double[X.length];
        for (int r = 0; r < 2; r++) {
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                sum += Math.exp(X[r * 3 + c]);
            }
            for (int c = 0; c < 3; c++) {
                out[r * 3 + c] = log ? X[r * 3 + c] - Math.log(sum) : Math.exp(X[r * 3 + c]) / sum;
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(ActivationFunction.class)
    void eachFunctionMatchesItsFormula(ActivationFunction function) {
        double[] expected = switch (function) {
            case SOFTMAX -> rowWise(false);
            case LOG_SOFTMAX -> rowWise(true);
            default -> Arrays.stream(X).map(elementWise(function)).toArray();
        };
        Activation layer = new Activation(function);
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor y = layer.forward(Tensor.of(backend, DType.F64, Shape.of(2, 3), X), ForwardContext.inference());
            assertEquals(Shape.of(2, 3), y.shape());
            assertArrayEquals(expected, y.toDoubleArray(), 1e-12, function.key());
        }
        assertEquals(0, layer.parameterCount());
    }

    @Test
    void softmaxNeedsAClassAxis() {
        Activation softmax = new Activation(ActivationFunction.SOFTMAX);
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor scalars = Tensor.of(backend, DType.F64, Shape.of(3), 1, 2, 3);
            assertThrows(KilnException.class, () -> softmax.forward(scalars, ForwardContext.inference()));
        }
    }

    @Test
    void flattenKeepsTheBatchAndJoinsTheRest() {
        Flatten flatten = new Flatten();
        double[] values = new double[2 * 3 * 2];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor y = flatten.forward(Tensor.of(backend, DType.F64, Shape.of(2, 3, 2), values), ForwardContext.inference());
            assertEquals(Shape.of(2, 6), y.shape());
            assertArrayEquals(values, y.toDoubleArray());
        }
        assertEquals(Shape.of(6), flatten.outputShape());
    }
}
