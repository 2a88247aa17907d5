package dev.kiln.samples.sequence;

import dev.kiln.backend.Backend;
import dev.kiln.data.ArrayDataset;
import dev.kiln.io.Compilation;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Bidirectional;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Embedding;
import dev.kiln.layer.LSTM;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metric;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.samples.Sample;
import dev.kiln.samples.SampleResult;
import dev.kiln.samples.TrainingSettings;
import dev.kiln.tensor.Shape;
import dev.kiln.train.History;
import java.util.Map;
import java.util.Random;

/**
 * Whether a sequence of brackets is balanced, read by an Embedding (id 0 is padding, masked) and a bidirectional
 * LSTM: sequences of 2 to 40 brackets, half of them balanced; of the others, half have as many openings as closings
 * but close too early somewhere (the hard case), half have unequal counts.
 */
public final class BracketsSample implements Sample {
    static final int LONGEST = 40;
    static final int OPEN = 1;
    static final int CLOSE = 2;
    private static final int TRAIN = 20_000;
    private static final int TEST = 4_000;

    @Override
    public String name() {
        return "brackets";
    }

    @Override
    public String description() {
        return "embedding + bidirectional LSTM telling balanced bracket sequences (2-40 long, padded and masked)"
                + " from unbalanced ones; test accuracy above 0.95";
    }

    @Override
    public TrainingSettings defaults() {
        return new TrainingSettings(5, 64, 3e-3, 1, null);
    }

    /** {@code count} sequences as ids padded with zeros to LONGEST, and whether each is balanced (1) or not (0). */
    static double[][] sequences(int count, Random random) {
        double[] ids = new double[count * LONGEST];
        double[] balanced = new double[count];
        for (int s = 0; s < count; s++) {
            int kind = random.nextInt(4);
            int[] brackets = kind < 2 ? balancedOf(1 + random.nextInt(LONGEST / 2), random)
                    : kind == 2 ? earlyCloseOf(1 + random.nextInt(LONGEST / 2), random)
                    : unequalOf(2 + random.nextInt(LONGEST - 1), random);
            for (int t = 0; t < brackets.length; t++) {
                ids[s * LONGEST + t] = brackets[t];
            }
            balanced[s] = isBalanced(brackets) ? 1 : 0;
        }
        return new double[][] {ids, balanced};
    }

    static boolean isBalanced(int[] brackets) {
        int depth = 0;
        for (int b : brackets) {
            depth += b == OPEN ? 1 : -1;
            if (depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }

    /** {@code pairs} openings and closings shuffled, in an order that the given test accepts. */
    private static int[] shuffledPairs(int pairs, Random random, boolean balanced) {
        int[] brackets = new int[2 * pairs];
        do {
            for (int i = 0; i < brackets.length; i++) {
                brackets[i] = i < pairs ? OPEN : CLOSE;
            }
            for (int i = brackets.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = brackets[i];
                brackets[i] = brackets[j];
                brackets[j] = swap;
            }
        } while (isBalanced(brackets) != balanced);
        return brackets;
    }

    /** A balanced sequence of {@code pairs} pairs: a random walk that never goes below zero. */
    private static int[] balancedOf(int pairs, Random random) {
        int[] brackets = new int[2 * pairs];
        int depth = 0;
        int opened = 0;
        for (int i = 0; i < brackets.length; i++) {
            int left = brackets.length - i;
            boolean open = depth == 0 || (opened < pairs && depth < left && random.nextBoolean());
            brackets[i] = open ? OPEN : CLOSE;
            depth += open ? 1 : -1;
            opened += open ? 1 : 0;
        }
        return brackets;
    }

    private static int[] earlyCloseOf(int pairs, Random random) {
        return shuffledPairs(pairs, random, false);
    }

    /** {@code length} brackets drawn at random whose openings and closings differ in number. */
    private static int[] unequalOf(int length, Random random) {
        int[] brackets = new int[length];
        int balance;
        do {
            balance = 0;
            for (int i = 0; i < length; i++) {
                brackets[i] = random.nextBoolean() ? OPEN : CLOSE;
                balance += brackets[i] == OPEN ? 1 : -1;
            }
        } while (balance == 0);
        return brackets;
    }

    @Override
    public SampleResult train(Backend backend, TrainingSettings settings) {
        Random random = new Random(settings.seed());
        double[][] train = sequences(TRAIN, random);
        double[][] test = sequences(TEST, random);
        Loss loss = Losses.binaryCrossEntropy(false);
        Metric accuracy = Metrics.accuracyFor(loss);
        try (Sequential model = Sequential.on(backend, new Embedding(3, 16).maskZero(true),
                new Bidirectional(new LSTM(32)), new Dense(1, ActivationFunction.SIGMOID)).seed(settings.seed())) {
            model.build(Shape.of(LONGEST));
            model.compile(loss, new Adam(settings.learningRate()), accuracy);
            History history = SequenceFit.fit(model, ArrayDataset.of(train[0], Shape.of(LONGEST), train[1], Shape.of(1)),
                    settings, Compilation.of(loss, accuracy));
            return new SampleResult(history, model.parameterCount(),
                    model.evaluate(ArrayDataset.of(test[0], Shape.of(LONGEST), test[1], Shape.of(1))), Map.of());
        }
    }
}
