package dev.kiln.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.check.GradientCheck;
import dev.kiln.op.Ops;
import dev.kiln.op.ShapeOps;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The recurrent layers against Keras's formulas, central differences in F64, and padded against unpadded batches. */
class RecurrentLayersTest {
    private static final int FEATURES = 3;
    private static final int UNITS = 4;
    private Backend backend;
    private MemoryScope scope;
    private final Random random = new Random(7);

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
        scope = MemoryScope.open();
    }

    @AfterEach
    void close() {
        scope.close();
        backend.close();
    }

    private static RecurrentLayer<?> layer(String cell, int units) {
        return switch (cell) {
            case "simple" -> new SimpleRNN(units);
            case "lstm" -> new LSTM(units);
            case "gru-reset-before" -> new GRU(units).resetAfter(false);
            default -> new GRU(units);
        };
    }

    private double[] randoms(int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * (2 * random.nextDouble() - 1);
        }
        return v;
    }

    private double[][][] sequences(int batch, int steps) {
        double[][][] x = new double[batch][steps][];
        for (int n = 0; n < batch; n++) {
            for (int t = 0; t < steps; t++) {
                x[n][t] = randoms(FEATURES, 1);
            }
        }
        return x;
    }

    private Tensor tensor(double[][][] x) {
        int batch = x.length;
        int steps = x[0].length;
        int width = x[0][0].length;
        double[] flat = new double[batch * steps * width];
        for (int n = 0; n < batch; n++) {
            for (int t = 0; t < steps; t++) {
                System.arraycopy(x[n][t], 0, flat, (n * steps + t) * width, width);
            }
        }
        return Tensor.of(backend, DType.F64, Shape.of(batch, steps, width), flat);
    }

    /** Builds {@code layer} for [steps, FEATURES] sequences with random weights; returns kernel, recurrent kernel, bias. */
    private double[][] randomWeights(RecurrentLayer<?> layer, int steps, int extraInputs) {
        List<Shape> shapes = new ArrayList<>(List.of(Shape.of(steps, FEATURES)));
        for (int i = 0; i < extraInputs; i++) {
            shapes.add(Shape.of(layer.units()));
        }
        layer.build(shapes, new ParameterFactory(backend, DType.F64, 1));
        int width = layer.cell().gates() * layer.units();
        double[][] w = {randoms(FEATURES * width, 0.6), randoms(layer.units() * width, 0.6),
            layer.usesBias() ? randoms(layer.cell() == dev.kiln.op.RecurrentCell.GRU ? 2 * width : width, 0.4) : null};
        layer.setWeights("kernel", w[0]);
        layer.setWeights("recurrent_kernel", w[1]);
        if (w[2] != null) {
            layer.setWeights("bias", w[2]);
        }
        return w;
    }

    private static void assertSequence(double[][][] expected, double[] actual, String what) {
        int steps = expected[0].length;
        int units = expected[0][0].length;
        for (int n = 0; n < expected.length; n++) {
            for (int t = 0; t < steps; t++) {
                for (int j = 0; j < units; j++) {
                    assertEquals(expected[n][t][j], actual[(n * steps + t) * units + j], 1e-12,
                            what + " at [" + n + ", " + t + ", " + j + "]");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "lstm", "gru", "gru-reset-before"})
    void everyStepMatchesKerasFormulas(String cell) {
        RecurrentLayer<?> layer = layer(cell, UNITS).returnSequences(true);
        double[][] w = randomWeights(layer, 5, 0);
        double[][][] x = sequences(3, 5);
        Tensor y = layer.forward(tensor(x), ForwardContext.inference());
        assertEquals(Shape.of(3, 5, UNITS), y.shape());
        assertSequence(RecurrentReference.run(cell, x, w[0], w[1], w[2], UNITS, null, null, null), y.toDoubleArray(),
                cell);
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "lstm", "gru", "gru-reset-before"})
    void initialStatesAndFinalStates(String cell) {
        int blocks = cell.equals("lstm") ? 2 : 1;
        RecurrentLayer<?> layer = layer(cell, UNITS).returnState(true);
        double[][] w = randomWeights(layer, 4, blocks);
        double[][][] x = sequences(2, 4);
        double[][] h0 = {randoms(UNITS, 0.8), randoms(UNITS, 0.8)};
        double[][] c0 = {randoms(UNITS, 0.8), randoms(UNITS, 0.8)};
        List<Tensor> inputs = new ArrayList<>(List.of(tensor(x), Tensor.fromRows(backend, DType.F64, h0)));
        if (blocks == 2) {
            inputs.add(Tensor.fromRows(backend, DType.F64, c0));
        }
        List<Tensor> out = layer.forwardAll(inputs, ForwardContext.inference());
        double[][][] cells = new double[2][4][];
        double[][][] expected = RecurrentReference.run(cell, x, w[0], w[1], w[2], UNITS, h0, c0, cells);
        assertEquals(1 + blocks, out.size());
        for (int n = 0; n < 2; n++) {
            for (int j = 0; j < UNITS; j++) {
                assertEquals(expected[n][3][j], out.get(0).toDoubleArray()[n * UNITS + j], 1e-12, "last output");
                assertEquals(expected[n][3][j], out.get(1).toDoubleArray()[n * UNITS + j], 1e-12, "final h");
                if (blocks == 2) {
                    assertEquals(cells[n][3][j], out.get(2).toDoubleArray()[n * UNITS + j], 1e-12, "final c");
                }
            }
        }
    }

    /**
     * Keras's reset_after=False formulas worked out in double precision for one sequence of 2 steps, 1 feature and 2
     * units from an initial state; the reset-after formula gives 0.0522, -0.3055 at the first step.
     */
    @Test
    void gruResettingBeforeTheProductGivesKnownAnswers() {
        GRU gru = new GRU(2).resetAfter(false).returnSequences(true);
        gru.build(List.of(Shape.of(2, 1), Shape.of(2)), new ParameterFactory(backend, DType.F64, 1));
        assertEquals(6, gru.getWeights("bias").length, "one bias [3 * units], added to the input projections");
        gru.setWeights("kernel", new double[] {0.1, -0.2, 0.3, 0.4, -0.5, 0.6});
        gru.setWeights("recurrent_kernel", new double[] {0.2, 0.1, -0.3, 0.5, 0.7, -0.4,
            -0.6, 0.3, 0.2, -0.1, 0.5, 0.8});
        gru.setWeights("bias", new double[] {0.05, -0.05, 0.1, 0, -0.1, 0.2});
        Tensor x = Tensor.of(backend, DType.F64, Shape.of(1, 2, 1), 0.5, -1);
        Tensor h0 = Tensor.of(backend, DType.F64, Shape.of(1, 2), 0.3, -0.8);
        Tensor y = gru.forwardAll(List.of(x, h0), ForwardContext.inference()).get(0);
        assertArrayEquals(new double[] {0.040336553630981375, -0.29802364130350445, 0.178494778177246,
            -0.3795207364678591}, y.toDoubleArray(), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "lstm", "gru", "gru-reset-before"})
    void goBackwardsReadsTheSequenceFromItsEnd(String cell) {
        RecurrentLayer<?> layer = layer(cell, UNITS).returnSequences(true).goBackwards(true);
        double[][] w = randomWeights(layer, 4, 0);
        double[][][] x = sequences(2, 4);
        double[][][] reversed = new double[2][4][];
        for (int n = 0; n < 2; n++) {
            for (int t = 0; t < 4; t++) {
                reversed[n][t] = x[n][3 - t];
            }
        }
        Tensor y = layer.forward(tensor(x), ForwardContext.inference());
        assertSequence(RecurrentReference.run(cell, reversed, w[0], w[1], w[2], UNITS, null, null, null),
                y.toDoubleArray(), cell + " backwards");
    }

    @Test
    void lstmForgetGateBiasStartsAtOne() {
        LSTM lstm = new LSTM(3);
        lstm.build(Shape.of(2, 2), new ParameterFactory(backend, DType.F64, 1));
        assertArrayEquals(new double[] {0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0}, lstm.getWeights("bias"));
        LSTM plain = new LSTM(3).unitForgetBias(false);
        plain.build(Shape.of(2, 2), new ParameterFactory(backend, DType.F64, 1));
        assertArrayEquals(new double[12], plain.getWeights("bias"));
    }

    // ---- gradients ----

    private void checkGradients(Layer layer, List<Tensor> inputs) {
        List<Tensor> wrt = new ArrayList<>();
        for (Tensor input : inputs) {
            if (input.dtype() == DType.F64) {
                wrt.add(input.requiresGrad(true));
            }
        }
        wrt.addAll(layer.parameters());
        GradientCheck.withDefaults().check(() -> {
            List<Tensor> out = layer.forwardAll(inputs, ForwardContext.training(0, 0));
            return out.size() == 1 ? out.get(0) : ShapeOps.concat(out.stream()
                    .map(t -> Ops.reshape(t, Shape.of(t.shape().dim(0), Math.toIntExact(t.size() / t.shape().dim(0)))))
                    .toList(), 1);
        }, wrt).requirePassed();
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "lstm", "gru", "gru-reset-before"})
    void gradientsThroughTimeMatchCentralDifferences(String cell) {
        int blocks = cell.equals("lstm") ? 2 : 1;
        RecurrentLayer<?> layer = layer(cell, UNITS).returnSequences(true).returnState(true);
        randomWeights(layer, 5, blocks);
        List<Tensor> inputs = new ArrayList<>(List.of(tensor(sequences(2, 5))));
        for (int b = 0; b < blocks; b++) {
            inputs.add(Tensor.of(backend, DType.F64, Shape.of(2, UNITS), randoms(2 * UNITS, 0.7)));
        }
        checkGradients(layer, inputs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "lstm", "gru", "gru-reset-before"})
    void maskedGradientsMatchCentralDifferences(String cell) {
        RecurrentLayer<?> layer = layer(cell, UNITS).returnSequences(true).goBackwards(cell.equals("gru"));
        randomWeights(layer, 4, 0);
        Tensor x = tensor(sequences(3, 4));
        x.withMask(Tensor.of(backend, DType.F64, Shape.of(3, 4), 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1));
        checkGradients(layer, List.of(x));
    }

    @Test
    void noBiasGradients() {
        GRU gru = new GRU(UNITS).useBias(false);
        randomWeights(gru, 3, 0);
        assertEquals(2, gru.parameters().size());
        checkGradients(gru, List.of(tensor(sequences(2, 3))));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void gruResettingBeforeTheProductReadsBackwardsWithCentralDifferenceGradients(boolean useBias) {
        GRU gru = new GRU(UNITS).resetAfter(false).goBackwards(true).returnSequences(true).returnState(true)
                .useBias(useBias);
        randomWeights(gru, 4, 1);
        checkGradients(gru, List.of(tensor(sequences(2, 4)),
                Tensor.of(backend, DType.F64, Shape.of(2, UNITS), randoms(2 * UNITS, 0.7))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"concat", "sum", "mul", "ave"})
    void bidirectionalMergesBothDirections(String mode) {
        Bidirectional both = new Bidirectional(new LSTM(UNITS).returnSequences(true),
                Bidirectional.MergeMode.parse(mode));
        both.build(Shape.of(4, FEATURES), new ParameterFactory(backend, DType.F64, 3));
        assertEquals(Shape.of(4, mode.equals("concat") ? 2 * UNITS : UNITS), both.outputShape());
        assertEquals(6, both.parameters().size());
        assertTrue(both.getWeights().containsKey("backward/recurrent_kernel"), both.getWeights().keySet().toString());
        checkGradients(both, List.of(tensor(sequences(2, 4))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gru", "gru-reset-before"})
    void bidirectionalIsTheForwardLayerBesideTheReversedOne(String cell) {
        Bidirectional both = new Bidirectional(layer(cell, UNITS).returnSequences(true));
        both.build(Shape.of(5, FEATURES), new ParameterFactory(backend, DType.F64, 3));
        Map<String, double[]> weights = both.getWeights();
        assertEquals(weights.get("forward/bias").length, weights.get("backward/bias").length, "the same formula");
        double[][][] x = sequences(2, 5);
        double[] y = both.forward(tensor(x), ForwardContext.inference()).toDoubleArray();
        double[][][] ahead = RecurrentReference.run(cell, x, weights.get("forward/kernel"),
                weights.get("forward/recurrent_kernel"), weights.get("forward/bias"), UNITS, null, null, null);
        double[][][] reversed = new double[2][5][];
        for (int n = 0; n < 2; n++) {
            for (int t = 0; t < 5; t++) {
                reversed[n][t] = x[n][4 - t];
            }
        }
        double[][][] behind = RecurrentReference.run(cell, reversed, weights.get("backward/kernel"),
                weights.get("backward/recurrent_kernel"), weights.get("backward/bias"), UNITS, null, null, null);
        for (int n = 0; n < 2; n++) {
            for (int t = 0; t < 5; t++) {
                for (int j = 0; j < UNITS; j++) {
                    assertEquals(ahead[n][t][j], y[(n * 5 + t) * 2 * UNITS + j], 1e-12);
                    assertEquals(behind[n][4 - t][j], y[(n * 5 + t) * 2 * UNITS + UNITS + j], 1e-12);
                }
            }
        }
    }

    @Test
    void bidirectionalFlipsTheBackwardSequenceAsKerasDoesAndFreezesTheWrappedSettings() {
        LSTM given = new LSTM(UNITS).returnSequences(true).goBackwards(true);
        given.trainable(false);
        Bidirectional both = new Bidirectional(given, Bidirectional.MergeMode.CONCAT);
        assertThrows(KilnException.class, () -> given.returnState(true));
        assertTrue(!both.backwardLayer().goesBackwards() && !both.backwardLayer().trainable());
        both.build(Shape.of(3, FEATURES), new ParameterFactory(backend, DType.F64, 3));
        Map<String, double[]> weights = both.getWeights();
        double[][][] x = sequences(1, 3);
        double[] y = both.forward(tensor(x), ForwardContext.inference()).toDoubleArray();
        double[][][] reversed = {{x[0][2], x[0][1], x[0][0]}};
        double[][][] ahead = RecurrentReference.run("lstm", reversed, weights.get("forward/kernel"),
                weights.get("forward/recurrent_kernel"), weights.get("forward/bias"), UNITS, null, null, null);
        double[][][] behind = RecurrentReference.run("lstm", x, weights.get("backward/kernel"),
                weights.get("backward/recurrent_kernel"), weights.get("backward/bias"), UNITS, null, null, null);
        for (int t = 0; t < 3; t++) {
            for (int j = 0; j < UNITS; j++) {
                assertEquals(ahead[0][t][j], y[t * 2 * UNITS + j], 1e-12, "the given layer's output, reading order");
                assertEquals(behind[0][2 - t][j], y[t * 2 * UNITS + UNITS + j], 1e-12, "the copy's output, flipped");
            }
        }
    }

    @Test
    void timeDistributedAndRepeatVector() {
        TimeDistributed each = new TimeDistributed(new Dense(2, ActivationFunction.TANH)).named("steps");
        each.build(Shape.of(4, FEATURES), new ParameterFactory(backend, DType.F64, 3));
        assertEquals(Shape.of(4, 2), each.outputShape());
        assertEquals(List.of("steps/kernel", "steps/bias"), each.parameters().stream().map(Tensor::name).toList());
        checkGradients(each, List.of(tensor(sequences(2, 4))));
        RepeatVector repeat = new RepeatVector(3);
        Tensor v = Tensor.of(backend, DType.F64, Shape.of(2, 2), 1, 2, 3, 4);
        assertArrayEquals(new double[] {1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4},
                repeat.forward(v, ForwardContext.inference()).toDoubleArray());
        checkGradients(repeat, List.of(Tensor.of(backend, DType.F64, Shape.of(2, 2), 1, 2, 3, 4)));
    }

    // ---- masking ----

    /** Ids [batch][time] padded with zeros at either end, and their lengths. */
    private static final double[][] PADDED = {
        {3, 1, 4, 1, 5, 0, 0},
        {0, 0, 0, 2, 6, 5, 3},
        {5, 8, 9, 7, 9, 3, 2},
        {6, 0, 0, 0, 0, 0, 0}};

    /** The real ids of row n of PADDED. */
    private static double[] unpadded(int n) {
        return java.util.Arrays.stream(PADDED[n]).filter(v -> v != 0).toArray();
    }

    private Layer recurrentAfterEmbedding(String kind) {
        return switch (kind) {
            case "bidirectional" -> new Bidirectional(new LSTM(UNITS).returnSequences(true));
            case "lstm-sequence" -> new LSTM(UNITS).returnSequences(true);
            default -> layer(kind, UNITS);
        };
    }

    /**
     * A padded, masked batch gives each sequence the output, loss and gradients it gets alone, unpadded: padding
     * changes nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"simple", "lstm", "gru", "gru-reset-before", "bidirectional", "lstm-sequence"})
    void paddedStepsChangeNeitherOutputsLossNorGradients(String kind) {
        Embedding embedding = new Embedding(10, FEATURES).maskZero(true);
        Layer rnn = recurrentAfterEmbedding(kind);
        ParameterFactory factory = new ParameterFactory(backend, DType.F64, 5);
        rnn.build(embedding.build(Shape.of(7), factory), factory);
        Map<String, double[]> weights = rnn.getWeights();
        Tensor ids = Tensor.fromRows(backend, DType.F64, PADDED);
        Tensor batchOut = rnn.forward(embedding.forward(ids, ForwardContext.training(0, 0)), ForwardContext.training(0, 0));
        Autograd.backward(Ops.sum(Ops.square(batchOut)));
        Map<String, double[]> batchGrads = gradients(rnn, embedding);
        double[] batchValues = batchOut.toDoubleArray();
        boolean sequence = kind.equals("bidirectional") || kind.equals("lstm-sequence");
        int width = batchOut.shape().dim(-1);
        Map<String, double[]> summed = new java.util.TreeMap<>();
        for (int n = 0; n < PADDED.length; n++) {
            double[] real = unpadded(n);
            Embedding aloneEmbedding = new Embedding(10, FEATURES);
            Layer alone = recurrentAfterEmbedding(kind);
            alone.build(aloneEmbedding.build(Shape.of(real.length), factory), factory);
            alone.setWeights(weights);
            aloneEmbedding.setWeights("embeddings", embedding.getWeights("embeddings"));
            Tensor y = alone.forward(aloneEmbedding.forward(Tensor.fromRows(backend, DType.F64, new double[][] {real}),
                    ForwardContext.training(0, 0)), ForwardContext.training(0, 0));
            Autograd.backward(Ops.sum(Ops.square(y)));
            double[] values = y.toDoubleArray();
            int offset = 0;
            for (int t = 0; t < (sequence ? PADDED[n].length : 1); t++) {
                if (sequence && PADDED[n][t] == 0) {
                    if (kind.equals("bidirectional")) {
                        for (int j = 0; j < width; j++) {
                            assertEquals(0, batchValues[(n * 7 + t) * width + j], 0, "padded step " + t + " of row " + n);
                        }
                    }
                    continue;
                }
                int row = sequence ? n * 7 + t : n;
                for (int j = 0; j < width; j++) {
                    assertEquals(values[offset * width + j], batchValues[row * width + j], 1e-12,
                            kind + " output of row " + n + " step " + t);
                }
                offset++;
            }
            gradients(alone, aloneEmbedding).forEach((name, g) -> summed.merge(name, g, (a, b) -> {
                double[] sum = a.clone();
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += b[i];
                }
                return sum;
            }));
        }
        if (kind.equals("lstm-sequence")) {
            return; // the carried-over outputs at padded steps add to the batch's loss, by Keras's design
        }
        assertEquals(summed.keySet(), batchGrads.keySet());
        summed.forEach((name, g) -> assertArrayEquals(g, batchGrads.get(name), 1e-10, name));
    }

    private static Map<String, double[]> gradients(Layer rnn, Embedding embedding) {
        Map<String, double[]> grads = new java.util.TreeMap<>();
        int i = 0;
        for (Tensor p : rnn.parameters()) {
            grads.put("rnn" + i++, p.grad().toDoubleArray());
        }
        grads.put("embeddings", embedding.parameters().get(0).grad().toDoubleArray());
        return grads;
    }

    // ---- embedding and initializers ----

    @Test
    void embeddingLooksUpRowsAndMasksZero() {
        Embedding embedding = new Embedding(4, 2).maskZero(true);
        embedding.build(Shape.of(3), new ParameterFactory(backend, DType.F64, 1));
        embedding.setWeights("embeddings", new double[] {0, 0, 1, 2, 3, 4, 5, 6});
        Tensor out = embedding.forward(Tensor.fromRows(backend, DType.F64, new double[][] {{1, 3, 0}, {2, 0, 0}}),
                ForwardContext.inference());
        assertArrayEquals(new double[] {1, 2, 5, 6, 0, 0, 3, 4, 0, 0, 0, 0}, out.toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 0, 1, 0, 0}, out.mask().toDoubleArray());
        KilnException fraction = assertThrows(KilnException.class, () -> embedding.forward(
                Tensor.fromRows(backend, DType.F64, new double[][] {{1, 2.5, 0}}), ForwardContext.inference()));
        assertTrue(fraction.getMessage().contains("id 2.5 in sample 0"), fraction.getMessage());
        KilnException outside = assertThrows(KilnException.class, () -> embedding.forward(
                Tensor.fromRows(backend, DType.F64, new double[][] {{1, 2, 0}, {4, 0, 0}}), ForwardContext.inference()));
        assertTrue(outside.getMessage().contains("id 4.0 in sample 1") && outside.getMessage().contains("[0, 4)"),
                outside.getMessage());
    }

    @Test
    void maskPassesThroughDenseButNotThroughTheLastOutput() {
        Embedding embedding = new Embedding(5, 2).maskZero(true);
        LSTM lstm = new LSTM(3).returnSequences(true);
        Dense dense = new Dense(2);
        ParameterFactory factory = new ParameterFactory(backend, DType.F64, 1);
        dense.build(lstm.build(embedding.build(Shape.of(3), factory), factory), factory);
        Tensor ids = Tensor.fromRows(backend, DType.F64, new double[][] {{1, 2, 0}});
        Tensor sequence = lstm.forward(embedding.forward(ids, ForwardContext.inference()), ForwardContext.inference());
        assertArrayEquals(new double[] {1, 1, 0}, sequence.mask().toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 0}, dense.forward(sequence, ForwardContext.inference()).mask()
                .toDoubleArray());
        LSTM last = new LSTM(3);
        last.build(embedding.outputShape(), factory);
        assertEquals(null, last.forward(embedding.forward(ids, ForwardContext.inference()), ForwardContext.inference())
                .mask());
    }

    @Test
    void orthogonalRowsOrColumns() {
        for (Shape shape : List.of(Shape.of(8, 3), Shape.of(3, 8), Shape.of(5, 5))) {
            Tensor w = Tensor.empty(backend, DType.F64, shape);
            dev.kiln.init.Initializers.orthogonal().initialize(w, 1, 1, 11);
            double[] v = w.toDoubleArray();
            int rows = shape.dim(0);
            int cols = shape.dim(1);
            boolean byColumns = rows >= cols;
            int count = Math.min(rows, cols);
            for (int a = 0; a < count; a++) {
                for (int b = 0; b < count; b++) {
                    double dot = 0;
                    for (int k = 0; k < Math.max(rows, cols); k++) {
                        dot += byColumns ? v[k * cols + a] * v[k * cols + b] : v[a * cols + k] * v[b * cols + k];
                    }
                    assertEquals(a == b ? 1 : 0, dot, 1e-12, shape + " vectors " + a + ", " + b);
                }
            }
        }
    }
}
