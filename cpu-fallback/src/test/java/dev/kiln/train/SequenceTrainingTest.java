package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.data.ArrayDataset;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Embedding;
import dev.kiln.layer.LSTM;
import dev.kiln.layer.TimeDistributed;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sequence outputs [n, steps, classes] train against one class index per step, as in Keras. */
class SequenceTrainingTest {
    private static final int STEPS = 6;
    private static final int VOCABULARY = 5;
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void sparseLossAndAccuracyAverageOverTheSteps() {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor p = Tensor.of(backend, DType.F64, Shape.of(2, 2, 3), 0.7, 0.2, 0.1, 0.1, 0.1, 0.8,
                    0.3, 0.3, 0.4, 0.5, 0.25, 0.25);
            Tensor labels = Tensor.of(backend, Shape.of(2, 2), 0, 1, 2, 1);
            double expected = -(Math.log(0.7) + Math.log(0.1) + Math.log(0.4) + Math.log(0.25)) / 4;
            assertEquals(expected, Losses.sparseCategoricalCrossEntropy(false).compute(p, labels).item(), 1e-12);
            KilnException wrong = assertThrows(KilnException.class, () -> Losses.sparseCategoricalCrossEntropy(false)
                    .compute(p, Tensor.of(backend, Shape.of(2, 3), 0, 1, 2, 1, 0, 0)));
            assertTrue(wrong.getMessage().contains("[2, 2] or [2, 2, 1]"), wrong.getMessage());
        }
    }

    @Test
    void nllAndMaskedStepsAverageOverTheRealSteps() {
        try (MemoryScope scope = MemoryScope.open()) {
            double[] logP = {Math.log(0.7), Math.log(0.3), Math.log(0.4), Math.log(0.6),
                Math.log(0.9), Math.log(0.1), Math.log(0.2), Math.log(0.8)};
            Tensor p = Tensor.of(backend, DType.F64, Shape.of(2, 2, 2), logP);
            Tensor labels = Tensor.of(backend, Shape.of(2, 2), 0, 1, 1, 1);
            double all = -(Math.log(0.7) + Math.log(0.6) + Math.log(0.1) + Math.log(0.8)) / 4;
            assertEquals(all, Losses.nll().compute(p, labels).item(), 1e-12);
            p.withMask(Tensor.of(backend, DType.F64, Shape.of(2, 2), 1, 0, 1, 1));
            double real = -(Math.log(0.7) + Math.log(0.1) + Math.log(0.8)) / 3;
            assertEquals(real, Losses.nll().compute(p, labels).item(), 1e-12, "the padded step counts for nothing");
            Tensor probabilities = Tensor.of(backend, DType.F64, Shape.of(2, 2, 2), 0.7, 0.3, 0.4, 0.6, 0.9, 0.1,
                    0.2, 0.8).withMask(Tensor.of(backend, DType.F64, Shape.of(2, 2), 1, 0, 1, 1));
            double total = Metrics.sparseCategoricalAccuracy().batchTotal(probabilities, labels).item();
            assertEquals(2 * (2.0 / 3), total, 1e-12, "right at steps (0, 0) and (1, 1) of 3 real ones, wrong at (1, 0)");
        }
    }

    /** A softmax output reshaped per step keeps its logits: the loss of a confident mistake is not clipped. */
    @Test
    void sequenceSoftmaxOutputsTakeTheFusedCrossEntropy() {
        try (MemoryScope scope = MemoryScope.open()) {
            TimeDistributed head = new TimeDistributed(new Dense(2, ActivationFunction.SOFTMAX));
            head.build(Shape.of(1, 1), new dev.kiln.layer.ParameterFactory(backend, DType.F64, 1));
            head.setWeights(java.util.Map.of("kernel", new double[] {30, -30}, "bias", new double[] {0, 0}));
            Tensor out = head.forward(Tensor.of(backend, DType.F64, Shape.of(1, 1, 1), 1),
                    dev.kiln.layer.ForwardContext.inference());
            double loss = Losses.sparseCategoricalCrossEntropy(false).compute(out, Tensor.of(backend, Shape.of(1, 1), 1))
                    .item();
            assertEquals(60, loss, 1e-9, "-log softmax of a 60-logit gap, not the clipped 16.1");
        }
    }

    /** Each step's output is the token one step before, so the network must remember: an LSTM learns it. */
    @Test
    void anLstmLearnsToEchoThePreviousToken() {
        Random random = new Random(3);
        int n = 600;
        double[] ids = new double[n * STEPS];
        int[] next = new int[n * STEPS];
        for (int s = 0; s < n; s++) {
            for (int t = 0; t < STEPS; t++) {
                ids[s * STEPS + t] = 1 + random.nextInt(VOCABULARY - 1);
                next[s * STEPS + t] = t == 0 ? 0 : (int) ids[s * STEPS + t - 1];
            }
        }
        ArrayDataset data = ArrayDataset.builder().features(null, ids, Shape.of(STEPS))
                .labels(null, next, Shape.of(STEPS)).build();
        try (Sequential model = Sequential.on(backend, new Embedding(VOCABULARY, 8), new LSTM(24).returnSequences(true),
                new TimeDistributed(new Dense(VOCABULARY, ActivationFunction.SOFTMAX))).seed(4)) {
            model.build(Shape.of(STEPS));
            model.compile(Losses.sparseCategoricalCrossEntropy(false), new Adam(0.02), Metrics.sparseCategoricalAccuracy());
            History history = model.fit(data, FitOptions.builder().epochs(12).batchSize(32).seed(5).log(false).build());
            double accuracy = history.last().values().get("sparse_categorical_accuracy");
            assertTrue(accuracy > 0.97, "echo accuracy " + accuracy + " after " + history.epochs().size() + " epochs");
        }
    }
}
