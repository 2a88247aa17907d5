package dev.kiln.layer;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.backend.Distribution;
import dev.kiln.check.GradientCheck;
import dev.kiln.op.Padding2d;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Input and parameter gradients of every layer against central differences in F64. */
class LayerGradientTest {
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    /** Uniform values in [-1.5, -0.1] or [0.1, 1.5]: away from the kinks of relu and friends at 0. */
    private Tensor awayFromZero(Shape shape, long seed) {
        Tensor t = Tensor.empty(backend, DType.F64, shape);
        backend.random(Distribution.UNIFORM, seed, 0, 0.1, 1.5, t.buffer());
        double[] v = t.toDoubleArray();
        for (int i = 0; i < v.length; i += 2) {
            v[i] = -v[i];
        }
        backend.upload(v, t.buffer());
        return t;
    }

    private void check(Layer layer, Tensor input) {
        layer.build(input.shape().tail(), new ParameterFactory(backend, DType.F64, 3));
        List<Tensor> wrt = new ArrayList<>();
        wrt.add(input);
        wrt.addAll(layer.parameters());
        GradientCheck.withDefaults().check(() -> layer.forward(input, ForwardContext.training(0, 0)), wrt).requirePassed();
        layer.close();
        input.close();
    }

    @ParameterizedTest
    @EnumSource(ActivationFunction.class)
    void denseWithEachActivation(ActivationFunction activation) {
        check(new Dense(4, activation).biasInitializer((p, in, out, seed) ->
                backend.random(Distribution.UNIFORM, seed, 0, -0.5, 0.5, p.buffer())), awayFromZero(Shape.of(3, 5), 11));
    }

    @Test
    void denseWithoutBias() {
        check(new Dense(3).useBias(false), awayFromZero(Shape.of(2, 4), 12));
    }

    @ParameterizedTest
    @EnumSource(ActivationFunction.class)
    void activationLayer(ActivationFunction function) {
        check(new Activation(function), awayFromZero(Shape.of(3, 4), 13));
    }

    @Test
    void leakyReLU() {
        check(new LeakyReLU(0.2), awayFromZero(Shape.of(3, 4), 25));
    }

    @Test
    void flatten() {
        check(new Flatten(), awayFromZero(Shape.of(2, 3, 2), 14));
    }

    @Test
    void flattenThenDense() {
        Tensor input = awayFromZero(Shape.of(2, 2, 3), 15);
        Flatten flatten = new Flatten();
        Dense dense = new Dense(2, ActivationFunction.TANH);
        ParameterFactory factory = new ParameterFactory(backend, DType.F64, 5);
        dense.build(flatten.build(input.shape().tail(), factory), factory);
        List<Tensor> wrt = new ArrayList<>(List.of(input));
        wrt.addAll(dense.parameters());
        GradientCheck.withDefaults().check(() -> dense.forward(flatten.forward(input, ForwardContext.training(0, 0)), ForwardContext.training(0, 0)), wrt).requirePassed();
        dense.close();
        input.close();
    }
    @Test
    void conv2dWithBiasAndActivation() {
        check(new Conv2D(3, 3, 2).strides(2, 1).padding(Padding2d.SAME).activation(ActivationFunction.TANH)
                .biasInitializer((p, in, out, seed) -> backend.random(Distribution.UNIFORM, seed, 0, -0.5, 0.5,
                        p.buffer())), awayFromZero(Shape.of(2, 5, 4, 2), 16));
    }

    @Test
    void conv2dTransposeWithBias() {
        check(new Conv2DTranspose(2, 3).strides(2).biasInitializer((p, in, out, seed) ->
                backend.random(Distribution.UNIFORM, seed, 0, -0.5, 0.5, p.buffer())), awayFromZero(Shape.of(2, 3, 2, 3), 17));
    }

    @Test
    void poolingAndImageShapeLayers() {
        check(new MaxPool2D(2).padding(Padding2d.SAME), awayFromZero(Shape.of(2, 5, 3, 2), 18));
        check(new AvgPool2D(3).strides(1), awayFromZero(Shape.of(1, 4, 5, 2), 19));
        check(new GlobalAveragePooling2D(), awayFromZero(Shape.of(2, 3, 2, 4), 20));
        check(new GlobalMaxPool2D(), awayFromZero(Shape.of(2, 3, 2, 4), 21));
        check(new UpSampling2D(2), awayFromZero(Shape.of(1, 2, 3, 2), 22));
        check(new ZeroPadding2D(1, 0, 2, 1), awayFromZero(Shape.of(2, 2, 3, 1), 23));
        check(new Reshape(3, -1, 1), awayFromZero(Shape.of(2, 3, 4), 24));
    }
}
