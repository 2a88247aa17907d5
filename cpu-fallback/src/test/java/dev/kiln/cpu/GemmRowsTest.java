package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The vector gemm kernel gives the scalar kernel's bits, whatever the shape, transposes and cuts of the plan. */
class GemmRowsTest {

    @Test
    void theTestJvmRunsTheVectorKernelUnlessItIsTurnedOff() {
        // the build starts test JVMs with --add-modules jdk.incubator.vector, as the kiln launcher does
        assertInstanceOf(VectorGemmRows.class, GemmRows.fastest());
        System.setProperty("kiln.cpu.vector", "off");
        try {
            assertInstanceOf(ScalarGemmRows.class, GemmRows.fastest());
        } finally {
            System.clearProperty("kiln.cpu.vector");
        }
    }

    @Test
    void vectorAndScalarKernelsGiveTheSameBits() {
        FloatGemm vector = new FloatGemm(new VectorGemmRows());
        FloatGemm scalar = new FloatGemm(new ScalarGemmRows());
        Random random = new Random(7);
        // tails of every kind: rows not a multiple of 4, widths not a multiple of 16 or 32, k not a multiple of 4;
        // a tall narrow c (computed transposed), a k cut into parts (2048 and more under a small c), wide blocks
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {4, 32, 4}, {5, 33, 9}, {7, 17, 130}, {128, 128, 784}, {128, 10, 128},
            {784, 128, 128}, {130, 47, 67}, {13, 600, 21}, {300, 20, 50}, {9, 40, 2500}, {64, 64, 4099}};
        for (int[] shape : shapes) {
            int m = shape[0], n = shape[1], k = shape[2];
            float[] a = values(random, m * k), b = values(random, k * n);
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (float beta : new float[] {0, 0.5f}) {
                        float[] c0 = values(random, m * n), c1 = c0.clone();
                        vector.gemm(ta, tb, m, n, k, 1.5f, a, b, beta, c0);
                        scalar.gemm(ta, tb, m, n, k, 1.5f, a, b, beta, c1);
                        String what = m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " beta=" + beta;
                        assertArrayEquals(c1, c0, what);
                        assertTrue(nonZero(c0), what);
                    }
                }
            }
        }
    }

    private static float[] values(Random random, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static boolean nonZero(float[] values) {
        for (float v : values) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }
}
