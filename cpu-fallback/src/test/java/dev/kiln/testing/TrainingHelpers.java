package dev.kiln.testing;

import dev.kiln.KilnException;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import dev.kiln.init.Initializer;
import dev.kiln.loss.Loss;
import dev.kiln.metric.Metric;
import dev.kiln.op.Ops;
import dev.kiln.optim.Optimizer;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * Minimal losses, metrics, optimizer and initializer for the layer and training tests, used until the real
 * ones (branch nn) are on main.
 */
public final class TrainingHelpers {
    private TrainingHelpers() {
    }

    /** Writes {@code values} into the parameter. */
    public static Initializer constant(double... values) {
        return (p, fanIn, fanOut, seed) -> {
            if (p.size() != values.length) {
                throw new KilnException("constant initializer of " + values.length + " values for " + p.shape());
            }
            Tensor t = Tensor.of(p.backend(), p.dtype(), p.shape(), values);
            p.backend().copy(t.buffer(), 0, p.buffer(), 0, p.size());
            t.close();
        };
    }

    public static Loss mse() {
        return loss("mse", (p, y) -> {
            if (!p.shape().equals(y.shape())) {
                throw new KilnException("mse: predictions " + p.shape() + " and targets " + y.shape() + " differ");
            }
            return Ops.mean(Ops.square(Ops.sub(p, y)));
        });
    }

    /** On logits. */
    public static Loss categoricalCrossEntropy() {
        return loss("categorical_crossentropy", (p, y) -> Ops.mean(Ops.softmaxCrossEntropy(p, y)));
    }

    /** On logits, with class indices of shape [n]. */
    public static Loss sparseCategoricalCrossEntropy() {
        return loss("sparse_categorical_crossentropy", (p, y) -> Ops.mean(Ops.softmaxCrossEntropy(p,
                Ops.oneHot(y.view(Shape.of(y.shape().dim(0))), p.shape().dim(1)))));
    }

    /** Fraction of outputs on the right side of 0.5. */
    public static Metric binaryAccuracy() {
        return metric("accuracy", (p, y) -> {
            Tensor half = Tensor.full(p.backend(), p.dtype(), Shape.of(1), 0.5);
            return Ops.sum(Ops.compare(BinaryOp.EQUAL, Ops.compare(BinaryOp.GREATER, p, half), y));
        });
    }

    /** Fraction of rows whose largest output is at the label's 1. */
    public static Metric categoricalAccuracy() {
        return metric("accuracy", (p, y) -> Ops.sum(Ops.compare(BinaryOp.EQUAL, Ops.argmax(p, 1), Ops.argmax(y, 1))));
    }

    /** Plain gradient descent through the fused SGD update. */
    public static Optimizer sgd(double rate) {
        return new Optimizer() {
            private double learningRate = rate;
            private long steps;

            @Override
            public String name() {
                return "sgd";
            }

            @Override
            public void step(List<Tensor> parameters) {
                steps++;
                for (Tensor p : parameters) {
                    if (p.grad() != null) {
                        p.backend().update(UpdateRule.SGD, new UpdateParameters(learningRate, 0, 0, 0, 0, steps),
                                p.buffer(), p.grad().buffer());
                        p.zeroGrad();
                    }
                }
            }

            @Override
            public double learningRate() {
                return learningRate;
            }

            @Override
            public void setLearningRate(double value) {
                learningRate = value;
            }

            @Override
            public void close() {
            }
        };
    }

    private interface Computation {
        Tensor apply(Tensor predictions, Tensor targets);
    }

    private static Loss loss(String name, Computation computation) {
        return new Loss() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Tensor compute(Tensor predictions, Tensor targets) {
                return computation.apply(predictions, targets);
            }
        };
    }

    private static Metric metric(String name, Computation computation) {
        return new Metric() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Tensor batchTotal(Tensor predictions, Tensor targets) {
                return computation.apply(predictions, targets);
            }
        };
    }
}
