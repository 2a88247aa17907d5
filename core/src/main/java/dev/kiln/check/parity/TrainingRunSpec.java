package dev.kiln.check.parity;

import dev.kiln.KilnException;
import dev.kiln.backend.Buffer;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.CategoricalCrossEntropy;
import dev.kiln.loss.Reduction;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.Callback;
import dev.kiln.train.FitOptions;
import dev.kiln.train.TrainingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A whole training run under parity: a two-layer tanh MLP trained with Adam for 50 steps (5 shuffled epochs of
 * 10 batches) from the same data and initial weights on both sides; the per-step loss trajectory and the final
 * weights must agree.
 */
final class TrainingRunSpec {
    static final int STEPS = 50;
    private static final int FEATURES = 12;
    private static final int HIDDEN = 16;
    private static final int CLASSES = 4;
    private static final int BATCH = 20;
    private static final int EPOCHS = 5;
    private static final int SAMPLES = STEPS / EPOCHS * BATCH;

    private TrainingRunSpec() {
    }

    static OpSpec mlpWithAdam() {
        InputRange weights = InputRange.uniform(-0.5, 0.5);
        List<Input> inputs = List.of(
                new Input("x", SAMPLES * FEATURES, InputRange.uniform(-1, 1)),
                new Input("labels", SAMPLES * CLASSES, Sampler.oneHotRows(CLASSES)),
                new Input("hidden kernel", FEATURES * HIDDEN, weights),
                new Input("hidden bias", HIDDEN, weights),
                new Input("output kernel", HIDDEN * CLASSES, weights),
                new Input("output bias", CLASSES, weights));
        // Rounding differences compound through 50 Adam steps; 1e-4 relative (F32) still separates a wrong
        // gradient or update, which moves the loss by percents within a few steps.
        Tolerances tolerances = new Tolerances(
                new Tolerance(1e-4, 1e-4, "F32 training run: rounding compounds over " + STEPS + " Adam steps"),
                new Tolerance(1e-10, 1e-10, "F64 training run: rounding compounds over " + STEPS + " Adam steps"));
        String shape = STEPS + " steps,mlp " + FEATURES + "-" + HIDDEN + "-" + CLASSES + ",batch " + BATCH;
        return new OpSpec("training.mlp_adam", List.of(), List.of(new OpCase(shape, true, inputs, tolerances,
                TrainingRunSpec::train)));
    }

    private static List<Output> train(Invocation call, List<Buffer> in) {
        try (Sequential model = Sequential.on(call.backend(), new Dense(HIDDEN, ActivationFunction.TANH),
                new Dense(CLASSES)).dtype(call.dtype()).seed(1)) {
            model.build(Shape.of(FEATURES));
            List<Tensor> parameters = model.parameters();
            if (parameters.size() != in.size() - 2) {
                throw new KilnException("the MLP has " + parameters.size() + " parameters, expected "
                        + (in.size() - 2));
            }
            for (int i = 0; i < parameters.size(); i++) {
                call.backend().copy(in.get(2 + i), 0, parameters.get(i).buffer(), 0, parameters.get(i).size());
            }
            model.compile(new CategoricalCrossEntropy(true, Reduction.MEAN), new Adam(0.01));
            double[] losses = new double[STEPS];
            Callback recorder = new Callback() {
                private int recorded;

                @Override
                public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
                    losses[recorded++] = loss;
                }
            };
            model.fit(rows(call.download(in.get(0)), FEATURES), rows(call.download(in.get(1)), CLASSES),
                    FitOptions.builder().epochs(EPOCHS).batchSize(BATCH).seed(3).log(false).callbacks(recorder)
                            .build());
            List<Output> outputs = new ArrayList<>();
            outputs.add(new Output("loss", losses));
            for (Tensor parameter : parameters) {
                outputs.add(new Output("final " + parameter.name(), parameter.toDoubleArray()));
            }
            return outputs;
        }
    }

    private static double[][] rows(double[] flat, int cols) {
        double[][] rows = new double[flat.length / cols][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
        }
        return rows;
    }
}
