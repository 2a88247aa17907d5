package dev.kiln.opencl;

import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.backend.Distribution;
import dev.kiln.layer.Dense;
import dev.kiln.layer.ForwardContext;
import dev.kiln.layer.LSTM;
import dev.kiln.layer.ParameterFactory;
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeOps;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A training step of the mnist-lstm sample's network, LSTM(128) over [128, 28, 28] batches then Dense(10) and the
 * mean softmax cross-entropy, Adam 1e-3, with the LSTM's loop run one of two ways over the same weights: the layer as
 * shipped ({@link Loop#FUSED}), or composed from ordinary differentiable ops ({@link Loop#COMPOSED}).
 */
final class LstmTrainingStep implements AutoCloseable {
    static final int BATCH = 128;
    static final int STEPS = 28;
    static final int FEATURES = 28;
    static final int UNITS = 128;
    static final int CLASSES = 10;
    // Neither layer draws random numbers, so every step may share one context.
    private static final ForwardContext TRAINING = ForwardContext.training(0, 0);

    /** How the LSTM's loop runs. */
    enum Loop {
        /** {@code LSTM.forward}: one recurrence op, a gemm and a fused cell kernel per step. */
        FUSED,
        /**
         * Per step: the step's slice of the precomputed input projection plus h times the recurrent kernel, split
         * into the four gates, sigmoid and tanh, and the state update from products and sums, each its own op. As in
         * PyTorch, a slice's gradient is a zero tensor of the whole input with the slice written in, summed per step.
         */
        COMPOSED
    }

    /**
     * A batch: images [BATCH, STEPS, FEATURES] in [0, 1) and one-hot targets [BATCH, CLASSES], owned by the caller.
     */
    record Batch(Tensor images, Tensor targets) implements AutoCloseable {
        /** A batch drawn from {@code seed}, the same on every backend. */
        static Batch random(Backend backend, DType dtype, long seed) {
            Tensor images = Tensor.empty(backend, dtype, Shape.of(BATCH, STEPS, FEATURES));
            backend.random(Distribution.UNIFORM, seed, 0, 0, 1, images.buffer());
            int[] labels = new Random(seed).ints(BATCH, 0, CLASSES).toArray();
            try (Tensor indices = Tensor.of(backend, Shape.of(BATCH), labels)) {
                return new Batch(images, Ops.oneHot(indices, CLASSES, dtype));
            }
        }

        @Override
        public void close() {
            images.close();
            targets.close();
        }
    }

    private final Loop loop;
    private final LSTM lstm = new LSTM(UNITS);
    private final Dense head = new Dense(CLASSES);
    private final Adam adam = new Adam(1e-3);
    private final List<Tensor> parameters = new ArrayList<>();

    /** The network on {@code backend} in {@code dtype}, its initial weights from {@code seed} whatever the loop. */
    LstmTrainingStep(Backend backend, DType dtype, Loop loop, long seed) {
        this.loop = loop;
        ParameterFactory factory = new ParameterFactory(backend, dtype, seed);
        lstm.build(Shape.of(STEPS, FEATURES), factory);
        head.build(Shape.of(UNITS), factory);
        parameters.addAll(lstm.trainableParameters());
        parameters.addAll(head.trainableParameters());
    }

    /** The trainable parameters: the LSTM's kernel, recurrent kernel and bias, then the head's kernel and bias. */
    List<Tensor> parameters() {
        return parameters;
    }

    /** Forward and backward without an update: the loss, with every parameter's gradient left in its grad(). */
    double lossAndGradients(Batch batch) {
        try (MemoryScope scope = MemoryScope.open()) {
            return lossWithGradients(batch).item();
        }
    }

    /** One training step: forward, backward, Adam update; returns the loss before the update. */
    double train(Batch batch) {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor loss = lossWithGradients(batch);
            adam.step(parameters);
            return loss.item();
        }
    }

    private Tensor lossWithGradients(Batch batch) {
        Tensor last = switch (loop) {
            case FUSED -> lstm.forward(batch.images(), TRAINING);
            case COMPOSED -> composedLastOutput(batch.images());
        };
        Tensor logits = head.forward(last, TRAINING);
        Tensor loss = Ops.mean(Ops.softmaxCrossEntropy(logits, batch.targets()));
        Autograd.gradients(loss, parameters);
        return loss;
    }

    /** The LSTM's h after the last step, [batch, units], from ordinary ops, in Keras's gate order i, f, c, o. */
    private Tensor composedLastOutput(Tensor x) {
        Tensor kernel = parameters.get(0);
        Tensor recurrentKernel = parameters.get(1);
        Tensor bias = parameters.get(2);
        int batch = x.shape().dim(0);
        int steps = x.shape().dim(1);
        Tensor timeMajor = Ops.reshape(Ops.permute(x, 1, 0, 2), Shape.of(steps * batch, x.shape().dim(2)));
        Tensor projections = Ops.reshape(Ops.add(Ops.matmul(timeMajor, kernel), bias),
                Shape.of(steps, batch, 4 * UNITS));
        int[] oneStepEach = new int[steps];
        Arrays.fill(oneStepEach, 1);
        Tensor h = Tensor.zeros(x.backend(), x.dtype(), Shape.of(batch, UNITS));
        Tensor c = Tensor.zeros(x.backend(), x.dtype(), Shape.of(batch, UNITS));
        for (Tensor projection : ShapeOps.split(projections, 0, oneStepEach)) {
            Tensor z = Ops.add(Ops.reshape(projection, Shape.of(batch, 4 * UNITS)), Ops.matmul(h, recurrentKernel));
            List<Tensor> gates = ShapeOps.split(z, 1, UNITS, UNITS, UNITS, UNITS);
            Tensor input = Ops.sigmoid(gates.get(0));
            Tensor forget = Ops.sigmoid(gates.get(1));
            Tensor candidate = Ops.tanh(gates.get(2));
            Tensor output = Ops.sigmoid(gates.get(3));
            c = Ops.add(Ops.mul(forget, c), Ops.mul(input, candidate));
            h = Ops.mul(output, Ops.tanh(c));
        }
        return h;
    }

    @Override
    public void close() {
        adam.close();
        lstm.close();
        head.close();
    }
}
