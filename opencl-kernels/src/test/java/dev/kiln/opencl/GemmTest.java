package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every gemm variant against a double-precision reference loop, at edge sizes and with every transpose. */
class GemmTest {
    private static final int[][] SIZES = {
        {1, 1, 1}, {1, 7, 3}, {7, 1, 5}, {3, 5, 1}, {13, 17, 19}, {8, 32, 40}, {31, 33, 97},
        {64, 64, 64}, {67, 129, 71}, {128, 10, 128}, {9, 200, 300}};

    private final OpenClBackend backend = OpenClTestSupport.backend();

    @Test
    void chosenVariantMatchesReference() {
        for (int[] size : SIZES) {
            for (int flags = 0; flags < 4; flags++) {
                check(size[0], size[1], size[2], (flags & 1) != 0, (flags & 2) != 0, 1.5, 0.5);
            }
        }
    }

    @Test
    void registerKernelWithSmallSlicesMatchesReference() {
        // Slices of 16: k splits into partial products from 33 on; blocks of 4 x 8 read operands in place or packed.
        withTuning(new GemmTuning(true, 4, 4, 2, 3, 2, 16, 16, 4, 0), () -> {
            for (int[] size : SIZES) {
                for (int flags = 0; flags < 4; flags++) {
                    check(size[0], size[1], size[2], (flags & 1) != 0, (flags & 2) != 0, flags == 3 ? -2 : 1,
                            flags % 2);
                }
            }
        });
    }

    @Test
    void smallBReadInPlaceUnderManyRowBlocksMatchesReference() {
        // The MLP's weight gradients: 98 row blocks of 8 walk a b of 64 KiB (k 128) or 16 KiB (k 32) in place.
        check(784, 128, 128, true, false, 1, 0);
        check(784, 128, 32, true, false, 0.5, 2);
        check(784, 128, 32, false, false, -1, 1);
    }

    @Test
    void smallProductsReadBInPlaceInOneLaunch() {
        // The MLP's output layer at batch 32: n of 10 is narrower than a block (its lanes are gathered), and the
        // input gradient reads the weights transposed; neither packs b first.
        int[][] products = {{32, 10, 128, 0}, {128, 10, 32, 1}, {32, 128, 10, 2}, {67, 40, 33, 0}, {67, 40, 33, 2}};
        for (int[] product : products) {
            boolean ta = product[3] == 1;
            boolean tb = product[3] == 2;
            long before = backend.kernelLaunches();
            check(product[0], product[1], product[2], ta, tb, 1.5, 0.5);
            // Three uploads and one download take no kernel; the product takes one.
            assertEquals(1, backend.kernelLaunches() - before, () -> "launches of " + Arrays.toString(product));
        }
    }

    @Test
    void productsTooLargeForPartialProductsWalkTheWholeOfKInOneLaunch() {
        // Too many slices of c for partial products: one launch over the whole of k, with both operands packed
        // (517 x 431) or both read in place (256 x 128, k long enough to split that often).
        GemmTuning tuning = new GemmTuning(true, 4, 4, 2, 3, 2, 16, 16, 4, 0);
        assertEquals(new GemmSplit(1, 301, false), GemmSplit.of(tuning, 517, 431, 301, 1));
        assertEquals(new GemmSplit(1, 2100, false), GemmSplit.of(tuning, 256, 128, 2100, 1));
        withTuning(tuning, () -> {
            long before = backend.kernelLaunches();
            check(517, 431, 301, true, false, 1, 0);
            assertEquals(2, backend.kernelLaunches() - before, "gemm_pack, then one gemm_register");
            check(517, 431, 301, false, true, 0.5, 2);
            before = backend.kernelLaunches();
            check(256, 128, 2100, true, false, 1, 0);
            assertEquals(1, backend.kernelLaunches() - before, "one gemm_register reading both in place");
            check(256, 128, 2100, false, false, -1, 1);
        });
    }

    @Test
    void transposedBPacksThroughShufflesAtEveryVectorWidth() {
        // gemm_pack turns a transposed b into panel rows VW x VW elements at a time by shuffles; products too large
        // for the gathering kernel, with whole tiles (64 x 128 x 256) and a last block and k chunk cut short.
        for (int width : new int[] {2, 4, 8, 16}) {
            withTuning(new GemmTuning(true, 6, width, 4, 16, 1, 0, 16, 4, 0), () -> {
                long before = backend.kernelLaunches();
                check(64, 128, 256, false, true, 1, 0);
                assertEquals(2, backend.kernelLaunches() - before, "gemm_pack, then one gemm_register");
                check(67, 129, 97, false, true, 0.5, 2);
                check(67, 129, 97, true, true, -1, 1);
            });
        }
    }

    @Test
    void tiledKernelMatchesReference() {
        withTuning(new GemmTuning(false, 8, 4, 1, 1, 1, 0, 8, 2, 0), () -> {
            for (int[] size : SIZES) {
                check(size[0], size[1], size[2], false, false, 1, 0);
                check(size[0], size[1], size[2], true, true, 0.5, 2);
            }
        });
    }

    @Test
    void tiledKernelWithSlicesMatchesReference() {
        // Slices of 16 rounded to whole tiles of 8, every transpose; 300 = 19 slices, the last one partial.
        withTuning(new GemmTuning(false, 8, 4, 1, 1, 1, 16, 8, 2, 0), () -> {
            for (int[] size : SIZES) {
                for (int flags = 0; flags < 4; flags++) {
                    check(size[0], size[1], size[2], (flags & 1) != 0, (flags & 2) != 0, 1.5, flags % 2 * 0.5);
                }
            }
        });
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        float[] result = run(5, 6, 7, false, false, 1, 0, Float.NaN).result;
        for (float value : result) {
            assertEquals(false, Float.isNaN(value), Arrays.toString(result));
        }
    }

    @Test
    void emptyInnerDimensionScalesC() {
        Buffer a = backend.allocate(DType.F32, 0);
        Buffer b = backend.allocate(DType.F32, 0);
        Buffer c = backend.allocate(DType.F32, 4);
        backend.upload(new float[] {1, 2, 3, 4}, c);
        backend.gemm(false, false, 2, 2, 0, 1, a, b, 3, c);
        float[] out = new float[4];
        backend.download(c, out);
        assertEquals("[3.0, 6.0, 9.0, 12.0]", Arrays.toString(out));
        backend.gemm(false, false, 2, 2, 0, 1, a, b, 0, c);
        backend.download(c, out);
        assertEquals("[0.0, 0.0, 0.0, 0.0]", Arrays.toString(out));
        backend.free(a);
        backend.free(b);
        backend.free(c);
    }

    private void withTuning(GemmTuning tuning, Runnable checks) {
        GemmTuning chosen = backend.gemmTuning(DType.F32);
        try {
            backend.overrideGemmTuning(DType.F32, tuning);
            checks.run();
        } finally {
            backend.overrideGemmTuning(DType.F32, chosen);
        }
    }

    private void check(int m, int n, int k, boolean ta, boolean tb, double alpha, double beta) {
        Run run = run(m, n, k, ta, tb, alpha, beta, 0.25f);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) run.a[ta ? p * m + i : i * k + p] * run.b[tb ? j * k + p : p * n + j];
                }
                double expected = alpha * sum + beta * run.c[i * n + j];
                assertEquals(expected, run.result[i * n + j], 1e-5 * (k + Math.abs(expected)),
                        () -> "gemm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " tuning " + backend.gemmTuning(DType.F32));
            }
        }
    }

    private record Run(float[] a, float[] b, float[] c, float[] result) {
    }

    private Run run(int m, int n, int k, boolean ta, boolean tb, double alpha, double beta, float cValue) {
        Random random = new Random(31L * m + 7L * n + k);
        float[] a = randoms(random, m * k);
        float[] b = randoms(random, k * n);
        float[] c = new float[m * n];
        Arrays.fill(c, cValue);
        Buffer ab = upload(a);
        Buffer bb = upload(b);
        Buffer cb = upload(c);
        backend.gemm(ta, tb, m, n, k, alpha, ab, bb, beta, cb);
        float[] result = new float[m * n];
        backend.download(cb, result);
        backend.free(ab);
        backend.free(bb);
        backend.free(cb);
        return new Run(a, b, c, result);
    }

    private Buffer upload(float[] values) {
        Buffer buffer = backend.allocate(DType.F32, values.length);
        backend.upload(values, buffer);
        return buffer;
    }

    private static float[] randoms(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }
}
