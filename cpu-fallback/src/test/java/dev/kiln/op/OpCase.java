package dev.kiln.op;

import dev.kiln.backend.Activation;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One differentiable op under test: its inputs' shapes and value ranges (kept away from kinks and poles)
 * and how to apply it.
 */
record OpCase(String name, List<Input> inputs, Function<List<Tensor>, Tensor> apply) {

    /** An input of the op: shape and the range its random values are drawn from. */
    record Input(Shape shape, double low, double high, boolean awayFromZero) {
    }

    static Input in(double low, double high, int... dims) {
        return new Input(Shape.of(dims), low, high, false);
    }

    /** Values in [low, high] with |x| >= 0.1, for functions with a kink at zero. */
    static Input nonzero(double low, double high, int... dims) {
        return new Input(Shape.of(dims), low, high, true);
    }

    static OpCase unary(String name, Input x, Function<Tensor, Tensor> f) {
        return new OpCase(name, List.of(x), in -> f.apply(in.get(0)));
    }

    static OpCase binary(String name, Input a, Input b, java.util.function.BiFunction<Tensor, Tensor, Tensor> f) {
        return new OpCase(name, List.of(a, b), in -> f.apply(in.get(0), in.get(1)));
    }

    /** The fused dense op on x [4, 3] and kernel [3, 5], with a bias [5] or without. */
    static OpCase dense(Activation activation, double alpha, boolean bias) {
        List<Input> inputs = bias ? List.of(in(-1, 1, 4, 3), in(-1, 1, 3, 5), in(-1, 1, 5))
                : List.of(in(-1, 1, 4, 3), in(-1, 1, 3, 5));
        return new OpCase("dense " + activation + (bias ? "" : " without bias"), inputs,
                in -> Ops.dense(in.get(0), in.get(1), bias ? in.get(2) : null, activation, alpha));
    }

    /** Random host values for every input, reproducible from the seed. */
    List<double[]> sample(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<double[]> values = new ArrayList<>();
        for (Input input : inputs) {
            double[] v = new double[(int) input.shape().size()];
            for (int i = 0; i < v.length; i++) {
                double x;
                do {
                    x = input.low() + (input.high() - input.low()) * random.nextDouble();
                } while (input.awayFromZero() && Math.abs(x) < 0.1);
                v[i] = x;
            }
            values.add(v);
        }
        return values;
    }

    /** Leaf tensors of {@code dtype} holding {@code values}. */
    List<Tensor> tensors(Backend backend, DType dtype, List<double[]> values) {
        List<Tensor> tensors = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            tensors.add(Tensor.of(backend, dtype, inputs.get(i).shape(), values.get(i)).named(name + "#" + i));
        }
        return tensors;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Every differentiable op of {@link Ops}, with shapes exercising each broadcast layout. */
    static List<OpCase> all() {
        return List.of(
                binary("add", in(-2, 2, 3, 4), in(-2, 2, 3, 4), Ops::add),
                binary("add row broadcast", in(-2, 2, 3, 4), in(-2, 2, 4), Ops::add),
                binary("add column broadcast", in(-2, 2, 3, 4), in(-2, 2, 3, 1), Ops::add),
                binary("add outer", in(-2, 2, 3, 1), in(-2, 2, 1, 4), Ops::add),
                binary("sub", in(-2, 2, 3, 4), in(-2, 2, 3, 4), Ops::sub),
                binary("sub scalar", in(-2, 2, 3, 4), in(-2, 2, 1), Ops::sub),
                binary("mul", in(-2, 2, 3, 4), in(-2, 2, 3, 4), Ops::mul),
                binary("mul channel broadcast", in(-2, 2, 2, 3, 2, 2), in(-2, 2, 3, 1, 1), Ops::mul),
                binary("div", in(-2, 2, 3, 4), nonzero(0.5, 2, 3, 4), Ops::div),
                binary("div column broadcast", in(-2, 2, 3, 4), in(0.5, 2, 3, 1), Ops::div),
                binary("maximum", in(-2, 2, 3, 4), in(-2, 2, 3, 4), Ops::maximum),
                binary("minimum", in(-2, 2, 3, 4), in(-2, 2, 4), Ops::minimum),
                binary("matmul", in(-1, 1, 3, 5), in(-1, 1, 5, 2), Ops::matmul),
                binary("matmul transposed a", in(-1, 1, 5, 3), in(-1, 1, 5, 2), (a, b) -> Ops.matmul(a, b, true, false)),
                binary("matmul transposed b", in(-1, 1, 3, 5), in(-1, 1, 2, 5), (a, b) -> Ops.matmul(a, b, false, true)),
                binary("matmul both transposed", in(-1, 1, 5, 3), in(-1, 1, 2, 5), (a, b) -> Ops.matmul(a, b, true, true)),
                dense(Activation.IDENTITY, 0, true),
                dense(Activation.RELU, 0, true),
                dense(Activation.LEAKY_RELU, 0.2, true),
                dense(Activation.ELU, 1.5, true),
                dense(Activation.SIGMOID, 0, true),
                dense(Activation.TANH, 0, true),
                dense(Activation.IDENTITY, 0, false),
                dense(Activation.TANH, 0, false),
                binary("batch_matmul", in(-1, 1, 3, 2, 4), in(-1, 1, 3, 4, 5), Ops::batchMatmul),
                binary("batch_matmul transposed a", in(-1, 1, 3, 4, 2), in(-1, 1, 3, 4, 5),
                        (a, b) -> Ops.batchMatmul(a, b, true, false)),
                binary("batch_matmul transposed b", in(-1, 1, 3, 2, 4), in(-1, 1, 3, 5, 4),
                        (a, b) -> Ops.batchMatmul(a, b, false, true)),
                binary("batch_matmul both transposed", in(-1, 1, 3, 4, 2), in(-1, 1, 3, 5, 4),
                        (a, b) -> Ops.batchMatmul(a, b, true, true)),
                binary("batch_matmul shared b", in(-1, 1, 3, 2, 4), in(-1, 1, 4, 5), Ops::batchMatmul),
                binary("batch_matmul shared transposed b", in(-1, 1, 3, 2, 4), in(-1, 1, 5, 4),
                        (a, b) -> Ops.batchMatmul(a, b, false, true)),
                binary("batch_matmul transposed a, shared b", in(-1, 1, 3, 4, 2), in(-1, 1, 4, 5),
                        (a, b) -> Ops.batchMatmul(a, b, true, false)),
                binary("batch_matmul both transposed, shared b", in(-1, 1, 3, 4, 2), in(-1, 1, 5, 4),
                        (a, b) -> Ops.batchMatmul(a, b, true, true)),
                unary("transpose", in(-1, 1, 3, 5), Ops::transpose),
                unary("permute 3d", in(-1, 1, 2, 3, 4), x -> Ops.permute(x, 2, 0, 1)),
                unary("permute 6d", in(-1, 1, 2, 1, 3, 2, 1, 2), x -> Ops.permute(x, 5, 2, 0, 4, 1, 3)),
                unary("gather with repeated indices", in(-1, 1, 5, 3), table -> Ops.gather(table,
                        Tensor.of(table.backend(), Shape.of(2, 4), 4, 0, 4, 2, 0, 4, 1, 4))),
                new OpCase("where broadcasting", List.of(in(-2, 2, 3, 4), in(-2, 2, 4)), in -> {
                    Tensor condition = Tensor.of(in.get(0).backend(), in.get(0).dtype(), Shape.of(3, 1), 1, 0, 1);
                    return Ops.where(condition, in.get(0), in.get(1));
                }),
                unary("mask", in(-2, 2, 3, 4), x -> Ops.mask(x,
                        Tensor.of(x.backend(), x.dtype(), Shape.of(4), 1, 0, 0, 1))),
                unary("reshape", in(-1, 1, 3, 4), x -> Ops.reshape(x, Shape.of(2, 6))),
                unary("affine", in(-2, 2, 3, 4), x -> Ops.affine(x, -1.5, 0.25)),
                unary("neg", in(-2, 2, 3, 4), Ops::neg),
                unary("exp", in(-2, 2, 3, 4), Ops::exp),
                unary("log", in(0.2, 3, 3, 4), Ops::log),
                unary("sqrt", in(0.2, 3, 3, 4), Ops::sqrt),
                unary("square", in(-2, 2, 3, 4), Ops::square),
                unary("abs", nonzero(-2, 2, 3, 4), Ops::abs),
                unary("reciprocal", in(0.5, 2, 3, 4), Ops::reciprocal),
                unary("relu", nonzero(-2, 2, 3, 4), Ops::relu),
                unary("leaky_relu", nonzero(-2, 2, 3, 4), x -> Ops.leakyRelu(x, 0.1)),
                unary("elu", nonzero(-2, 2, 3, 4), x -> Ops.elu(x, 1.0)),
                unary("sigmoid", in(-4, 4, 3, 4), Ops::sigmoid),
                unary("tanh", in(-3, 3, 3, 4), Ops::tanh),
                unary("softplus", in(-4, 4, 3, 4), Ops::softplus),
                unary("clip", in(-2, 2, 3, 4), x -> Ops.clip(x, -0.97, 1.13)),
                unary("sum", in(-1, 1, 3, 4), Ops::sum),
                unary("mean", in(-1, 1, 3, 4), Ops::mean),
                unary("sum axis 0", in(-1, 1, 3, 4), x -> Ops.sum(x, 0)),
                unary("sum axis 1", in(-1, 1, 3, 4), x -> Ops.sum(x, 1)),
                unary("mean axis 1 of 3d", in(-1, 1, 2, 3, 4), x -> Ops.mean(x, 1)),
                unary("max axis 1", in(-1, 1, 3, 4), x -> Ops.max(x, 1)),
                unary("min axis 0", in(-1, 1, 3, 4), x -> Ops.min(x, 0)),
                unary("softmax", in(-3, 3, 3, 5), Ops::softmax),
                unary("log_softmax", in(-3, 3, 3, 5), Ops::logSoftmax),
                new OpCase("softmax_cross_entropy", List.of(in(-3, 3, 4, 5)), in -> {
                    Tensor x = in.get(0);
                    Tensor targets = Tensor.of(x.backend(), x.dtype(), x.shape(),
                            0, 1, 0, 0, 0, 0.2, 0.3, 0.5, 0, 0, 0, 0, 0, 0, 1, 0.5, 0, 0, 0, 0.5);
                    return Ops.softmaxCrossEntropy(x, targets);
                }));
    }
}
