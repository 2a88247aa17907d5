package dev.kiln.check.parity;

import dev.kiln.backend.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Specs of {@code gemm} (transposes, alpha and beta, tile edges, long inner dimensions, one large product),
 * {@code gemmBatched} (strides, shared operands) and {@code transpose}.
 */
final class LinearAlgebraSpecs {
    /** The product that takes seconds; left out of the quick subset. */
    static final int LARGE = 1024;

    private LinearAlgebraSpecs() {
    }

    static List<OpSpec> all() {
        return List.of(gemm(), gemmBatched(), transpose());
    }

    /**
     * One gemm variant.
     *
     * @param m rows of op(a) and c
     * @param n columns of op(b) and c
     * @param k inner dimension
     */
    private record Gemm(int m, int n, int k, boolean transposeA, boolean transposeB, double alpha, double beta,
                        boolean quick) {
        String label() {
            StringBuilder label = new StringBuilder(Labels.shape(m, n, k));
            if (transposeA) label.append(",tA");
            if (transposeB) label.append(",tB");
            if (alpha != 1 || beta != 0) {
                label.append(String.format(Locale.ROOT, ",alpha=%s,beta=%s", alpha, beta));
            }
            return label.toString();
        }
    }

    private static OpSpec gemm() {
        List<Gemm> variants = new ArrayList<>();
        variants.add(new Gemm(1, 1, 1, false, false, 1, 0, false));
        for (boolean tA : new boolean[] {false, true}) {
            for (boolean tB : new boolean[] {false, true}) {
                variants.add(new Gemm(7, 93, 31, tA, tB, 1, 0, !tA && !tB));
                variants.add(new Gemm(7, 93, 31, tA, tB, 0.75, -1.5, tA && tB));
                variants.add(new Gemm(33, 31, 32, tA, tB, 1, 0, !tA && tB));
            }
        }
        for (int tile : new int[] {8, 16, 32, 64}) {
            variants.add(new Gemm(tile - 1, tile + 1, tile, false, false, 1, 0, false));
            variants.add(new Gemm(tile + 1, tile - 1, tile + 1, false, false, 1, 0, false));
            variants.add(new Gemm(tile, tile, tile - 1, true, false, -1.25, 0.5, false));
        }
        // Weight-gradient shapes: few outputs and a long k, which OpenCL splits into slices added in order; the
        // sizes put every operand in place or in padded panels, full or partial, on vector widths 4, 8 and 16.
        variants.add(new Gemm(72, 64, 4100, true, false, 1, 0, false));
        variants.add(new Gemm(9, 32, 5000, true, false, 0.75, -1.5, false));
        variants.add(new Gemm(40, 33, 3000, true, true, 1, 0, false));
        variants.add(new Gemm(64, 64, 2100, false, false, 1, 0.5, false));
        variants.add(new Gemm(1, 129, 257, false, false, 1, 0, false));
        variants.add(new Gemm(257, 1, 129, false, true, 1, 0, false));
        variants.add(new Gemm(LARGE, LARGE, LARGE, false, false, 1, 0, false));
        List<OpCase> cases = variants.stream().map(LinearAlgebraSpecs::gemmCase).toList();
        return new OpSpec("gemm", List.of(Coverage.of("gemm")), cases);
    }

    private static OpCase gemmCase(Gemm g) {
        // With beta = 0 the contract says c is ignored, NaN included: start from NaN to prove it.
        Sampler initialC = g.beta() == 0 ? Sampler.constant(Double.NaN) : InputRange.uniform(-1, 1);
        List<Input> inputs = List.of(new Input("a", g.m() * g.k(), InputRange.uniform(-1, 1)),
                new Input("b", g.k() * g.n(), InputRange.uniform(-1, 1)),
                new Input("c", g.m() * g.n(), initialC));
        return new OpCase(g.label(), g.quick(), inputs, Tolerances.accumulated(g.k(), Tolerances.elementwise(),
                "dot product"), (call, in) -> {
            call.backend().gemm(g.transposeA(), g.transposeB(), g.m(), g.n(), g.k(), g.alpha(),
                    in.get(0), in.get(1), g.beta(), in.get(2));
            return List.of(call.output("c", in.get(2)));
        });
    }

    /**
     * One batched variant; each operand's stride is its matrix size plus {@code gap} (0 for b when {@code sharedB}),
     * so gaps between matrices must be skipped and, in c, survive.
     */
    private record Batched(int batch, int m, int n, int k, boolean transposeA, boolean transposeB, boolean sharedB,
                           int gap, double alpha, double beta, boolean quick) {
        long strideA() {
            return (long) m * k + gap;
        }

        long strideB() {
            return sharedB ? 0 : (long) k * n + gap;
        }

        long strideC() {
            return (long) m * n + gap;
        }

        int length(long stride, long matrix) {
            return Math.toIntExact(stride * (batch - 1) + matrix);
        }

        String label() {
            StringBuilder label = new StringBuilder(batch + "x" + Labels.shape(m, n, k));
            if (transposeA) label.append(",tA");
            if (transposeB) label.append(",tB");
            if (sharedB) label.append(",shared b");
            if (gap != 0) label.append(",gap=").append(gap);
            if (alpha != 1 || beta != 0) {
                label.append(String.format(Locale.ROOT, ",alpha=%s,beta=%s", alpha, beta));
            }
            return label.toString();
        }
    }

    /** Every transpose pair, shared b with and without a transposed a, gaps between matrices, alpha and beta. */
    private static OpSpec gemmBatched() {
        List<Batched> variants = new ArrayList<>();
        for (boolean tA : new boolean[] {false, true}) {
            for (boolean tB : new boolean[] {false, true}) {
                variants.add(new Batched(3, 7, 9, 5, tA, tB, false, 0, 1, 0, !tA && !tB));
                variants.add(new Batched(4, 5, 3, 6, tA, tB, true, 0, 1, 0, tA && tB));
            }
        }
        variants.add(new Batched(1, 7, 9, 5, false, false, false, 0, 1, 0, false));
        variants.add(new Batched(5, 6, 7, 8, false, true, false, 3, 0.75, -1.5, false));
        variants.add(new Batched(2, 33, 31, 65, true, false, true, 2, -1.25, 0.5, false));
        variants.add(new Batched(16, 64, 64, 64, false, true, false, 0, 1, 0, false));
        List<OpCase> cases = variants.stream().map(LinearAlgebraSpecs::gemmBatchedCase).toList();
        return new OpSpec("gemm_batched", List.of(Coverage.of("gemmBatched")), cases);
    }

    private static OpCase gemmBatchedCase(Batched g) {
        Sampler initialC = g.beta() == 0 && g.gap() == 0 ? Sampler.constant(Double.NaN) : InputRange.uniform(-1, 1);
        List<Input> inputs = List.of(
                new Input("a", g.length(g.strideA(), (long) g.m() * g.k()), InputRange.uniform(-1, 1)),
                new Input("b", g.length(g.strideB(), (long) g.k() * g.n()), InputRange.uniform(-1, 1)),
                new Input("c", g.length(g.strideC(), (long) g.m() * g.n()), initialC));
        return new OpCase(g.label(), g.quick(), inputs, Tolerances.accumulated(g.k(), Tolerances.elementwise(),
                "dot product"), (call, in) -> {
            call.backend().gemmBatched(g.transposeA(), g.transposeB(), g.batch(), g.m(), g.n(), g.k(), g.alpha(),
                    in.get(0), g.strideA(), in.get(1), g.strideB(), g.beta(), in.get(2), g.strideC());
            return List.of(call.output("c", in.get(2)));
        });
    }

    private static final int[][] TRANSPOSE_SHAPES = {{1, 1}, {7, 93}, {93, 7}, {15, 17}, {31, 33}, {63, 65}, {64, 64},
            {257, 1025}};

    private static OpSpec transpose() {
        List<OpCase> cases = new ArrayList<>();
        for (int[] dims : TRANSPOSE_SHAPES) {
            int rows = dims[0];
            int cols = dims[1];
            cases.add(new OpCase(Labels.shape(dims), rows == 7, List.of(new Input("x", rows * cols,
                    InputRange.uniform(-2, 2))),
                    Tolerances.EXACT, (call, in) -> {
                        Buffer out = call.allocate((long) rows * cols);
                        call.backend().transpose(rows, cols, in.get(0), out);
                        return List.of(call.output("out", out));
                    }));
        }
        return new OpSpec("transpose", List.of(Coverage.of("transpose")), cases);
    }
}
