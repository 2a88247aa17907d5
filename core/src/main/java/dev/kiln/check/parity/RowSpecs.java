package dev.kiln.check.parity;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.ReduceOp;
import java.util.ArrayList;
import java.util.List;

/**
 * Specs of {@code reduce} (every op along each axis), softmax, fused cross-entropy (per row and in total),
 * {@code addArgmaxMatches} and {@code oneHot}.
 */
final class RowSpecs {
    /** Rows just below and above 64 and 256, where backends switch from one work-item to a work-group per row. */
    private static final int[][] MATRICES = {{1, 1}, {7, 93}, {63, 65}, {5, 255}, {3, 257}, {1, 4099}, {257, 129}};
    /**
     * Small volumes, and long middle axes under inner sizes every vector width divides, which OpenCL reduces in
     * chunks of rows (a partial last chunk included) before combining the chunks.
     */
    private static final int[][] VOLUMES = {{3, 17, 5}, {2, 64, 33}, {2, 1000, 32}, {1, 4099, 16}};
    private static final int[][] ROWS = {{1, 1}, {7, 93}, {93, 7}, {63, 65}, {5, 255}, {4, 256}, {3, 257}, {3, 1025},
            {257, 10}};

    private RowSpecs() {
    }

    static List<OpSpec> all() {
        List<OpSpec> specs = new ArrayList<>();
        for (ReduceOp op : ReduceOp.values()) {
            specs.add(reduce(op));
        }
        specs.add(softmax(false));
        specs.add(softmax(true));
        specs.add(softmaxBackward(false));
        specs.add(softmaxBackward(true));
        specs.add(crossEntropy());
        specs.add(crossEntropyTotal());
        specs.add(crossEntropyBackward(false));
        specs.add(crossEntropyBackward(true));
        specs.add(argmaxMatches(false));
        specs.add(argmaxMatches(true));
        specs.add(oneHot());
        return specs;
    }

    private static OpSpec reduce(ReduceOp op) {
        List<OpCase> cases = new ArrayList<>();
        for (int[] dims : MATRICES) {
            boolean quick = dims[0] == 7;
            cases.add(reduceCase(op, Labels.shape(dims) + ",axis=0", quick, 1, dims[0], dims[1],
                    InputRange.uniform(-2, 2)));
            cases.add(reduceCase(op, Labels.shape(dims) + ",axis=1", quick, dims[0], dims[1], 1,
                    InputRange.uniform(-2, 2)));
        }
        for (int[] dims : VOLUMES) {
            cases.add(reduceCase(op, Labels.shape(dims) + ",axis=1", false, dims[0], dims[1], dims[2],
                    InputRange.uniform(-2, 2)));
        }
        // Few distinct values: ties, where ARGMAX must pick the first.
        cases.add(reduceCase(op, "7x93,axis=1,ties", false, 7, 93, 1, InputRange.integers(0, 3)));
        cases.add(reduceCase(op, "7x93,axis=0,ties", false, 1, 7, 93, InputRange.integers(0, 3)));
        return new OpSpec(Labels.name(op), List.of(Coverage.of("reduce", op)), cases);
    }

    private static OpCase reduceCase(ReduceOp op, String label, boolean quick, int outer, int middle, int inner,
                                     InputRange range) {
        Tolerances tolerances = op == ReduceOp.SUM || op == ReduceOp.MEAN
                ? Tolerances.accumulated(middle, Tolerances.elementwise(), "sum")
                : Tolerances.EXACT;
        return new OpCase(label, quick, List.of(new Input("x", outer * middle * inner, range)), tolerances,
                (call, in) -> {
                    Buffer out = call.allocate((long) outer * inner);
                    call.backend().reduce(op, outer, middle, inner, in.get(0), out);
                    return List.of(call.output("out", out));
                });
    }

    private static String softmaxName(boolean log) {
        return log ? "log_softmax" : "softmax";
    }

    private static OpSpec softmax(boolean log) {
        List<OpCase> cases = new ArrayList<>();
        for (int[] dims : ROWS) {
            int rows = dims[0];
            int cols = dims[1];
            cases.add(new OpCase(Labels.shape(dims), rows == 7, List.of(new Input("x", rows * cols,
                    InputRange.uniform(-6, 6))),
                    Tolerances.accumulated(cols, Tolerances.elementwise(), "row sum of exp"), (call, in) -> {
                        Buffer out = call.allocate((long) rows * cols);
                        call.backend().softmax(log, rows, cols, in.get(0), out);
                        return List.of(call.output("out", out));
                    }));
        }
        return new OpSpec(softmaxName(log), List.of(Coverage.of("softmax")), cases);
    }

    /** Gradient of a random cotangent; y comes from the same backend's forward. */
    private static OpSpec softmaxBackward(boolean log) {
        List<OpCase> cases = new ArrayList<>();
        for (int[] dims : ROWS) {
            int rows = dims[0];
            int cols = dims[1];
            List<Input> inputs = List.of(new Input("x", rows * cols, InputRange.uniform(-6, 6)),
                    new Input("gradOut", rows * cols, InputRange.uniform(-1, 1)));
            cases.add(new OpCase(Labels.shape(dims), rows == 7, inputs,
                    Tolerances.accumulated(cols, Tolerances.derivative(), "row sum of gradOut * y"), (call, in) -> {
                        Buffer y = call.allocate((long) rows * cols);
                        Buffer gradIn = call.allocate((long) rows * cols);
                        call.backend().softmax(log, rows, cols, in.get(0), y);
                        call.backend().softmaxBackward(log, rows, cols, y, in.get(1), gradIn);
                        return List.of(call.output("gradIn", gradIn));
                    }));
        }
        return new OpSpec(softmaxName(log) + ".backward", List.of(Coverage.of("softmaxBackward"),
                Coverage.of("softmax")),
                cases);
    }

    /**
     * Targets of a cross-entropy case: soft probability rows, hard one-hot rows, or unnormalised weights (the
     * backward formula scales by their row sum).
     */
    private static List<OpCase> crossEntropyCases(CrossEntropyCase body, Tolerances floor) {
        List<OpCase> cases = new ArrayList<>();
        int[][] shapes = {{1, 1}, {7, 93}, {64, 10}, {63, 65}, {3, 1025}};
        for (int[] dims : shapes) {
            int rows = dims[0];
            int cols = dims[1];
            Tolerances tolerances = Tolerances.accumulated(cols, floor, "row sum of exp and of targets * log p");
            cases.add(body.at(Labels.shape(dims) + ",soft", rows == 7, rows, cols, Sampler.probabilityRows(cols),
                    tolerances));
            if (rows == 7 || rows == 64) {
                cases.add(body.at(Labels.shape(dims) + ",hard", rows == 64, rows, cols, Sampler.oneHotRows(cols),
                        tolerances));
                cases.add(body.at(Labels.shape(dims) + ",unnormalised", false, rows, cols, InputRange.uniform(0, 1),
                        tolerances));
            }
        }
        return cases;
    }

    @FunctionalInterface
    private interface CrossEntropyCase {
        OpCase at(String label, boolean quick, int rows, int cols, Sampler targets, Tolerances tolerances);
    }

    private static OpSpec crossEntropy() {
        CrossEntropyCase body = (label, quick, rows, cols, targets, tolerances) -> new OpCase(label, quick,
                List.of(new Input("logits", rows * cols, InputRange.uniform(-4, 4)), new Input("targets",
                        rows * cols, targets)),
                tolerances, (call, in) -> {
                    Buffer probabilities = call.allocate((long) rows * cols);
                    Buffer losses = call.allocate(rows);
                    call.backend().softmaxCrossEntropy(rows, cols, in.get(0), in.get(1), probabilities, losses);
                    return List.of(call.output("losses", losses), call.output("probabilities", probabilities));
                });
        return new OpSpec("softmax_cross_entropy", List.of(Coverage.of("softmaxCrossEntropy")),
                crossEntropyCases(body, Tolerances.elementwise()));
    }

    /**
     * The losses' mean (scale 1 / rows), sum (1) or scaled sum (0.5), with the probabilities: up to 64 rows take one
     * work-group on an OpenCL device, 257 and 300 rows the row kernel and a reduction.
     */
    private static OpSpec crossEntropyTotal() {
        List<OpCase> cases = new ArrayList<>();
        int[][] shapes = {{1, 1}, {7, 93}, {64, 10}, {257, 10}, {300, 300}};
        double[] scales = {0, 1, 0.5};
        for (int[] dims : shapes) {
            int rows = dims[0];
            int cols = dims[1];
            for (double given : scales) {
                double scale = given == 0 ? 1.0 / rows : given;
                String label = Labels.shape(dims) + (given == 0 ? ",mean" : ",scale " + given);
                Tolerances tolerances = Tolerances.accumulated((long) rows * cols, Tolerances.elementwise(),
                        "sum of exp and of targets * log p over every row");
                cases.add(new OpCase(label, rows == 64 && given == 0,
                        List.of(new Input("logits", rows * cols, InputRange.uniform(-4, 4)),
                                new Input("targets", rows * cols, Sampler.probabilityRows(cols))),
                        tolerances, (call, in) -> {
                            Buffer probabilities = call.allocate((long) rows * cols);
                            Buffer total = call.allocate(1);
                            call.backend().softmaxCrossEntropyTotal(rows, cols, scale, in.get(0), in.get(1),
                                    probabilities, total);
                            return List.of(call.output("total", total), call.output("probabilities", probabilities));
                        }));
            }
        }
        return new OpSpec("softmax_cross_entropy.total", List.of(Coverage.of("softmaxCrossEntropyTotal")), cases);
    }

    /**
     * Gradient of random per-row loss cotangents (scaled by 1), or of one cotangent shared by every row and scaled
     * by 1 / rows (a mean's); the probabilities come from the same backend's forward.
     */
    private static OpSpec crossEntropyBackward(boolean shared) {
        CrossEntropyCase body = (label, quick, rows, cols, targets, tolerances) -> new OpCase(label, quick,
                List.of(new Input("logits", rows * cols, InputRange.uniform(-4, 4)), new Input("targets",
                        rows * cols, targets),
                        new Input("gradLosses", shared ? 1 : rows, InputRange.uniform(-1, 1))),
                tolerances, (call, in) -> {
                    Buffer probabilities = call.allocate((long) rows * cols);
                    Buffer losses = call.allocate(rows);
                    Buffer gradLogits = call.allocate((long) rows * cols);
                    call.backend().softmaxCrossEntropy(rows, cols, in.get(0), in.get(1), probabilities, losses);
                    call.backend().softmaxCrossEntropyBackward(rows, cols, shared ? 1.0 / rows : 1, probabilities,
                            in.get(1), in.get(2), gradLogits);
                    return List.of(call.output("gradLogits", gradLogits));
                });
        return new OpSpec(shared ? "softmax_cross_entropy.backward.shared" : "softmax_cross_entropy.backward",
                List.of(Coverage.of("softmaxCrossEntropyBackward"), Coverage.of("softmaxCrossEntropy")),
                crossEntropyCases(body, Tolerances.derivative()));
    }

    /**
     * Counts added to a running total: one row, a row longer than a work-group, more rows than a work-group, ties
     * (the first largest wins) and NaN (the largest); labels one-hot, soft, tied, or I32 indices one beyond each end.
     */
    private static OpSpec argmaxMatches(boolean classIndices) {
        int[][] shapes = {{1, 1}, {7, 93}, {64, 10}, {257, 10}, {3000, 3}, {5, 300}};
        List<OpCase> cases = new ArrayList<>();
        for (int[] dims : shapes) {
            int rows = dims[0];
            int cols = dims[1];
            boolean quick = rows == 64;
            if (classIndices) {
                cases.add(argmaxMatchesCase(Labels.shape(dims), quick, rows, cols, InputRange.uniform(-1, 1),
                        Input.indices("labels", rows, InputRange.integers(-1, cols))));
                cases.add(argmaxMatchesCase(Labels.shape(dims) + ",ties,NaN", false, rows, cols, tiesAndNaN(cols),
                        Input.indices("labels", rows, InputRange.integers(0, cols - 1))));
            } else {
                cases.add(argmaxMatchesCase(Labels.shape(dims) + ",one-hot", quick, rows, cols,
                        InputRange.uniform(-1, 1), new Input("labels", rows * cols, Sampler.oneHotRows(cols))));
                cases.add(argmaxMatchesCase(Labels.shape(dims) + ",soft", false, rows, cols,
                        InputRange.uniform(-1, 1), new Input("labels", rows * cols, Sampler.probabilityRows(cols))));
                cases.add(argmaxMatchesCase(Labels.shape(dims) + ",ties,NaN", false, rows, cols, tiesAndNaN(cols),
                        new Input("labels", rows * cols, tiesAndNaN(cols))));
            }
        }
        return new OpSpec(classIndices ? "argmax_matches.indices" : "argmax_matches",
                List.of(Coverage.of("addArgmaxMatches")), cases);
    }

    private static OpCase argmaxMatchesCase(String label, boolean quick, int rows, int cols, Sampler predictions,
                                            Input labels) {
        // The total starts at a whole number, as an epoch's running count does.
        List<Input> inputs = List.of(new Input("predictions", rows * cols, predictions), labels,
                new Input("total", 1, InputRange.integers(0, 1000)));
        return new OpCase(label, quick, inputs, Tolerances.EXACT, (call, in) -> {
            Buffer total = in.get(2);
            call.backend().addArgmaxMatches(rows, cols, in.get(0), in.get(1), labels.indices(), total);
            return List.of(call.output("total", total));
        });
    }

    /** Whole numbers in [0, 3] (many ties), and NaN at a random column of about every fifth row. */
    private static Sampler tiesAndNaN(int cols) {
        return (random, length) -> {
            double[] values = InputRange.integers(0, 3).sample(random, length);
            for (int row = 0; row < length / cols; row++) {
                if (random.nextInt(5) == 0) {
                    values[row * cols + random.nextInt(cols)] = Double.NaN;
                }
            }
            return values;
        };
    }

    private static OpSpec oneHot() {
        int[][] shapes = {{1, 1}, {7, 93}, {64, 10}, {257, 1025}};
        List<OpCase> cases = new ArrayList<>();
        for (int[] dims : shapes) {
            int rows = dims[0];
            int classes = dims[1];
            // I32 indices; one beyond each end checks that out-of-range rows stay all zeros.
            cases.add(new OpCase(Labels.shape(dims), rows == 64, List.of(Input.indices("indices", rows,
                    InputRange.integers(-1, classes))),
                    Tolerances.EXACT, (call, in) -> {
                        Buffer out = call.allocate((long) rows * classes);
                        call.backend().oneHot(rows, classes, in.get(0), out);
                        return List.of(call.output("out", out));
                    }));
        }
        return new OpSpec("one_hot", List.of(Coverage.of("oneHot")), cases);
    }
}
