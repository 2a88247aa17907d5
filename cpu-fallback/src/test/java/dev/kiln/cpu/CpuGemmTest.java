package dev.kiln.cpu;

import static dev.kiln.cpu.HostData.assertClose;
import static dev.kiln.cpu.HostData.get;
import static dev.kiln.cpu.HostData.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** gemm by hand, against a naive triple loop and EJML, and its reproducibility. */
class CpuGemmTest {
    private final CpuBackend backend = new CpuBackend();

    @AfterEach
    void close() {
        backend.close();
    }

    // a = [[1, 2, 3], [4, 5, 6]], b = [[7, 8], [9, 10], [11, 12]]: a.b = [[58, 64], [139, 154]].
    private static final double[] A = {1, 2, 3, 4, 5, 6};
    private static final double[] A_TRANSPOSED = {1, 4, 2, 5, 3, 6};
    private static final double[] B = {7, 8, 9, 10, 11, 12};
    private static final double[] B_TRANSPOSED = {7, 9, 11, 8, 10, 12};

    private double[] gemm(DType dtype, boolean ta, boolean tb, double alpha, double beta, double[] c) {
        Buffer a = put(backend, dtype, ta ? A_TRANSPOSED : A);
        Buffer b = put(backend, dtype, tb ? B_TRANSPOSED : B);
        Buffer out = put(backend, dtype, c);
        backend.gemm(ta, tb, 2, 2, 3, alpha, a, b, beta, out);
        return get(backend, out);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void eachTransposeByHand(DType dtype) {
        double[] nan = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                String what = "transposeA=" + ta + " transposeB=" + tb;
                assertArrayEquals(new double[] {58, 64, 139, 154}, gemm(dtype, ta, tb, 1, 0, nan), what);
                // 0.5 * a.b + 2 * [[1, 2], [3, 4]]
                assertArrayEquals(new double[] {31, 36, 75.5, 85}, gemm(dtype, ta, tb, 0.5, 2, new double[] {1, 2, 3, 4}), what);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void zeroAlphaOrEmptyInnerDimensionScalesC(DType dtype) {
        assertArrayEquals(new double[] {3, 6, 9, 12}, gemm(dtype, false, false, 0, 3, new double[] {1, 2, 3, 4}));
        Buffer empty = backend.allocate(dtype, 0);
        Buffer c = put(backend, dtype, Double.NaN, 1);
        backend.gemm(false, false, 1, 2, 0, 1, empty, empty, 0, c);
        assertArrayEquals(new double[] {0, 0}, get(backend, c));
    }

    /**
     * Shapes of 1, primes, and sizes around the panel width (512 columns) and depth (64 rows); tall narrow ones that
     * are computed transposed (n below 128, m at least 2n), over several blocks of m and with n not a multiple of the
     * vector width; and k from 2048 up under a small c, cut into parts of 1024 (a last part of 1 or 67 terms).
     */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 7, 1}, {7, 1, 1}, {1, 1, 9}, {3, 5, 7}, {4, 4, 4}, {5, 3, 2}, {13, 17, 19}, {31, 2, 37},
        {3, 511, 5}, {2, 512, 3}, {3, 513, 4}, {3, 4, 63}, {5, 3, 64}, {4, 5, 65}, {2, 3, 129}, {2, 1025, 66},
        {130, 129, 131}, {67, 300, 260},
        {1100, 33, 70}, {300, 65, 9}, {600, 127, 20}, {254, 127, 3},
        {9, 32, 2048}, {9, 33, 2049}, {80, 30, 2115}, {40, 300, 2115},
    };

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void matchesNaiveTripleLoop(DType dtype) {
        Random random = new Random(11);
        for (int[] shape : SHAPES) {
            int m = shape[0], n = shape[1], k = shape[2];
            for (int variant = 0; variant < 4; variant++) {
                boolean ta = (variant & 1) != 0, tb = (variant & 2) != 0;
                double[] a = HostData.roundedToFloat(HostData.uniform(random, m * k, -1, 1));
                double[] b = HostData.roundedToFloat(HostData.uniform(random, k * n, -1, 1));
                double[] c = HostData.roundedToFloat(HostData.uniform(random, m * n, -1, 1));
                double alpha = 1.5, beta = variant == 3 ? 0 : -0.5;
                double[] expected = naive(ta, tb, m, n, k, alpha, a, b, beta, c);
                Buffer ab = put(backend, dtype, a), bb = put(backend, dtype, b), cb = put(backend, dtype, c);
                backend.gemm(ta, tb, m, n, k, alpha, ab, bb, beta, cb);
                double relative = dtype == DType.F32 ? 1e-6 * Math.sqrt(k) * 4 : 1e-14 * k;
                assertClose(expected, get(backend, cb), relative, Arrays.toString(shape) + " variant " + variant);
                backend.free(ab);
                backend.free(bb);
                backend.free(cb);
            }
        }
    }

    @Test
    void agreesWithEjml() {
        Random random = new Random(5);
        int m = 37, n = 41, k = 29;
        DMatrixRMaj a = new DMatrixRMaj(k, m, true, HostData.uniform(random, m * k, -1, 1));
        DMatrixRMaj b = new DMatrixRMaj(n, k, true, HostData.uniform(random, k * n, -1, 1));
        DMatrixRMaj expected = new DMatrixRMaj(m, n);
        CommonOps_DDRM.multTransAB(2.0, a, b, expected);
        Buffer c = backend.allocate(DType.F64, (long) m * n);
        backend.gemm(true, true, m, n, k, 2.0, put(backend, DType.F64, a.data), put(backend, DType.F64, b.data), 0, c);
        assertClose(expected.data, get(backend, c), 1e-13, "transposed A and B against EJML");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void resultsAreBitIdenticalWhateverTheRowPartition(DType dtype) {
        Random random = new Random(3);
        int m = 160, n = 144, k = 200;
        double[] a = HostData.uniform(random, m * k, -1, 1);
        double[] b = HostData.uniform(random, k * n, -1, 1);
        Buffer ab = put(backend, dtype, a), bb = put(backend, dtype, b);
        Buffer c1 = backend.allocate(dtype, (long) m * n), c2 = backend.allocate(dtype, (long) m * n);
        backend.gemm(false, false, m, n, k, 1, ab, bb, 0, c1);
        backend.gemm(false, false, m, n, k, 1, ab, bb, 0, c2);
        double[] whole = get(backend, c1);
        assertArrayEquals(whole, get(backend, c2), "the same call twice");
        // The last rows alone, on one thread, must give the same bits as inside the split product.
        int rows = 5;
        Buffer tail = put(backend, dtype, Arrays.copyOfRange(a, (m - rows) * k, m * k));
        Buffer small = backend.allocate(dtype, (long) rows * n);
        backend.gemm(false, false, rows, n, k, 1, tail, bb, 0, small);
        assertArrayEquals(Arrays.copyOfRange(whole, (m - rows) * n, m * n), get(backend, small));
        assertEquals(6, backend.liveBuffers());
    }

    /** Shapes of each path at the sizes where the work is split across threads: the bits must follow the documented order. */
    private static final int[][] ORDER_SHAPES = {{160, 144, 200}, {3000, 40, 50}, {9, 32, 5003}, {300, 64, 3101}, {50, 600, 2202}};

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void followsTheDocumentedSummationOrderBitForBit(DType dtype) {
        Random random = new Random(17);
        for (int[] shape : ORDER_SHAPES) {
            int m = shape[0], n = shape[1], k = shape[2];
            for (int variant = 0; variant < 4; variant++) {
                boolean ta = (variant & 1) != 0, tb = (variant & 2) != 0;
                double[] a = HostData.roundedToFloat(HostData.uniform(random, m * k, -1, 1));
                double[] b = HostData.roundedToFloat(HostData.uniform(random, k * n, -1, 1));
                double[] c = HostData.roundedToFloat(HostData.uniform(random, m * n, -1, 1));
                double alpha = 0.75, beta = variant == 2 ? 0 : 1.25;
                double[] expected = documentedOrder(dtype, ta, tb, m, n, k, alpha, a, b, beta, c);
                Buffer ab = put(backend, dtype, a), bb = put(backend, dtype, b), cb = put(backend, dtype, c);
                backend.gemm(ta, tb, m, n, k, alpha, ab, bb, beta, cb);
                assertArrayEquals(expected, get(backend, cb), Arrays.toString(shape) + " variant " + variant);
                backend.free(ab);
                backend.free(bb);
                backend.free(cb);
            }
        }
    }

    @Test
    void thePlanDependsOnTheShapeAloneExceptForItsRowTiles() {
        for (int[] shape : new int[][] {{86528, 32, 9}, {9, 32, 86528}, {15488, 64, 288}, {288, 64, 15488}, {128, 128, 784}, {2, 3, 5}}) {
            GemmPlan one = new GemmPlan(true, false, shape[0], shape[1], shape[2], 1);
            GemmPlan many = new GemmPlan(true, false, shape[0], shape[1], shape[2], 64);
            String what = Arrays.toString(shape);
            assertEquals(one.transposed, many.transposed, what);
            assertEquals(one.parts, many.parts, what);
            assertEquals(one.partDepth, many.partDepth, what);
            assertEquals(one.columnBlocks, many.columnBlocks, what);
        }
        GemmPlan conv1KernelGradient = new GemmPlan(true, false, 9, 32, 86528, 2);
        assertEquals(85, conv1KernelGradient.parts);
        assertEquals(false, conv1KernelGradient.transposed);
        GemmPlan conv2Forward = new GemmPlan(false, false, 15488, 64, 288, 2);
        assertEquals(true, conv2Forward.transposed);
        assertEquals(1, conv2Forward.parts);
    }

    /**
     * The order that the gemm classes' comments promise, written out one element at a time: within each part of k, each
     * term fused into the running sum from the part's start with one rounding; the parts' sums added in
     * increasing order; then alpha * sum (+ beta * c). Other operations are rounded with {@code round}: F32 arithmetic
     * is double arithmetic rounded to float after every operation, exactly, since a double carries more than twice a
     * float's digits (a fused multiply-add is not, so it is {@link Math#fma(float, float, float)} itself).
     */
    private static double[] documentedOrder(DType dtype, boolean ta, boolean tb, int m, int n, int k,
                                            double alpha, double[] a, double[] b, double beta, double[] c) {
        DoubleUnaryOperator round = dtype == DType.F32 ? x -> (float) x : x -> x;
        GemmPlan plan = new GemmPlan(ta, tb, m, n, k, 1);
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double total = 0;
                for (int part = 0; part < plan.parts; part++) {
                    double sum = 0;
                    for (int p = part * plan.partDepth, end = Math.min(k, p + plan.partDepth); p < end; p++) {
                        double x = ta ? a[p * m + i] : a[i * k + p], y = tb ? b[j * k + p] : b[p * n + j];
                        sum = dtype == DType.F32 ? Math.fma((float) x, (float) y, (float) sum) : Math.fma(x, y, sum);
                    }
                    total = part == 0 ? sum : round.applyAsDouble(total + sum);
                }
                double scaled = round.applyAsDouble(alpha * total);
                out[i * n + j] = beta == 0 ? scaled : round.applyAsDouble(scaled + round.applyAsDouble(beta * c[i * n + j]));
            }
        }
        return out;
    }

    static double[] naive(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, double[] b,
                          double beta, double[] c) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                }
                out[i * n + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * n + j]);
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void batchedProductsSkipGapsAndKeepThem(DType dtype) {
        // Two products a_i [1, 2] · b_i [2, 1] with one gap element after each matrix; c's gaps must survive.
        Buffer a = put(backend, dtype, 1, 2, -9, 3, 4);
        Buffer b = put(backend, dtype, 5, 6, -9, 7, 8);
        Buffer c = put(backend, dtype, 100, -7, 200);
        backend.gemmBatched(false, false, 2, 1, 1, 2, 1, a, 3, b, 3, 0.5, c, 2);
        assertArrayEquals(new double[] {17 + 50, -7, 53 + 100}, get(backend, c), 0);
        // Shared b (stride 0) with a transposed a: a_i stored [2, 1], so op(a_i) = [1, 2] as above.
        Buffer shared = put(backend, dtype, 5, 6);
        Buffer out = put(backend, dtype, 0, 0);
        backend.gemmBatched(true, false, 2, 1, 1, 2, 1, a, 3, shared, 0, 0, out, 1);
        assertArrayEquals(new double[] {17, 15 + 24}, get(backend, out), 0);
    }
}
