package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sigmoid and tanh against double references, the vector implementation against the scalar one bit for bit, over runs
 * with tails, offsets and aliases.
 */
class GateFunctionsTest {
    private static final GateFunctions[] BOTH = {new VectorGateFunctions(), new ScalarGateFunctions()};

    @Test
    void theTestJvmRunsTheVectorImplementationUnlessItIsTurnedOff() {
        assertInstanceOf(VectorGateFunctions.class, GateFunctions.fastest());
        System.setProperty("kiln.cpu.vector", "off");
        try {
            assertInstanceOf(ScalarGateFunctions.class, GateFunctions.fastest());
        } finally {
            System.clearProperty("kiln.cpu.vector");
        }
    }

    @Test
    void tanhIsWithinOneUlpAndSigmoidWithinTwoFromTinyToSaturated() {
        float[] x = sweep();
        for (GateFunctions gates : BOTH) {
            float[] out = new float[x.length];
            gates.tanh(x, 0, out, 0, x.length);
            assertWithinUlps(x, out, Math::tanh, 1, gates + " tanh");
            gates.sigmoid(x, 0, out, 0, x.length);
            assertWithinUlps(x, out, v -> 1 / (1 + Math.exp(-v)), 2, gates + " sigmoid");
        }
    }

    @Test
    void vectorAndScalarGiveTheSameBitsEvenBeforeTheJitCompilesThem() {
        Random random = new Random(11);
        float[] x = new float[50_003];
        for (int i = 0; i < x.length; i++) {
            // every regime: tiny, the polynomial's, the exp's, saturation, the clamps, special values
            x[i] = switch (i % 5) {
                case 0 -> (float) (random.nextGaussian() * 1e-3);
                case 1 -> (float) (random.nextGaussian() * 0.6);
                case 2 -> (float) (random.nextGaussian() * 6);
                case 3 -> (float) (random.nextGaussian() * 100);
                default -> Float.intBitsToFloat(random.nextInt());
            };
        }
        GateFunctions vector = new VectorGateFunctions(), scalar = new ScalarGateFunctions();
        // small runs first (still interpreted), then the whole array (compiled by then)
        for (int from = 0; from < x.length; from += 1000) {
            int n = Math.min(from < 10_000 ? 37 : 1000, x.length - from);
            assertSameBits(vector, scalar, x, from, n);
        }
        assertSameBits(vector, scalar, x, 0, x.length);
    }

    @Test
    void sumsAreRoundedToFloatBeforeTheFunctionAndMayBeComputedInPlace() {
        Random random = new Random(3);
        float[] a = gaussian(random, 300, 4), b = gaussian(random, 300, 4);
        float[] sum = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            sum[i] = a[i] + b[i];
        }
        for (GateFunctions gates : BOTH) {
            float[] expected = new float[a.length], actual = b.clone();
            gates.tanh(sum, 0, expected, 0, a.length);
            gates.tanhOfSum(a, 0, actual, 0, actual, 0, a.length);
            assertTrue(Arrays.equals(expected, actual), gates + " tanhOfSum");
            actual = b.clone();
            gates.sigmoid(sum, 0, expected, 0, a.length);
            gates.sigmoidOfSum(a, 0, actual, 0, actual, 0, a.length);
            assertTrue(Arrays.equals(expected, actual), gates + " sigmoidOfSum");
        }
    }

    @Test
    void runsOfEveryLengthAndOffsetTouchOnlyTheirOwnElements() {
        Random random = new Random(5);
        float[] x = gaussian(random, 200, 3);
        for (GateFunctions gates : BOTH) {
            float[] whole = new float[x.length];
            gates.tanh(x, 0, whole, 0, x.length);
            for (int n = 0; n <= 40; n++) {
                for (int offset : new int[] {0, 1, 7, 16, 33}) {
                    float[] out = new float[x.length];
                    Arrays.fill(out, -7f);
                    gates.tanh(x, offset, out, offset + 2, n);
                    for (int i = 0; i < out.length; i++) {
                        boolean inside = i >= offset + 2 && i < offset + 2 + n;
                        float expected = inside ? whole[i - 2] : -7f;
                        assertEquals(expected, out[i], gates + " n=" + n + " offset=" + offset + " at " + i);
                    }
                }
            }
        }
    }

    @Test
    void keepsSignedZerosInfinitiesAndNaN() {
        float[] x = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-30f, -1e-30f};
        for (GateFunctions gates : BOTH) {
            float[] out = new float[x.length];
            gates.tanh(x, 0, out, 0, x.length);
            assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(out[0]), gates + " tanh(0)");
            assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(out[1]), gates + " tanh(-0)");
            assertEquals(1f, out[2], gates + " tanh(inf)");
            assertEquals(-1f, out[3], gates + " tanh(-inf)");
            assertTrue(Float.isNaN(out[4]), gates + " tanh(NaN)");
            assertEquals(1e-30f, out[5], gates + " tanh(1e-30)");
            gates.sigmoid(x, 0, out, 0, x.length);
            assertEquals(0.5f, out[0], gates + " sigmoid(0)");
            assertEquals(1f, out[2], gates + " sigmoid(inf)");
            assertEquals(0f, out[3], gates + " sigmoid(-inf)");
            assertTrue(Float.isNaN(out[4]), gates + " sigmoid(NaN)");
        }
    }

    private static void assertSameBits(GateFunctions vector, GateFunctions scalar, float[] x, int from, int n) {
        float[] v = new float[n], s = new float[n];
        vector.tanh(x, from, v, 0, n);
        scalar.tanh(x, from, s, 0, n);
        assertBits(x, from, s, v, "tanh");
        vector.sigmoid(x, from, v, 0, n);
        scalar.sigmoid(x, from, s, 0, n);
        assertBits(x, from, s, v, "sigmoid");
    }

    private static void assertBits(float[] x, int from, float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            int e = Float.floatToIntBits(expected[i]), a = Float.floatToIntBits(actual[i]);
            if (e != a) {
                throw new AssertionError(what + "(" + x[from + i] + "): vector " + actual[i] + ", scalar " + expected[i]);
            }
        }
    }

    /** Inputs from 1e-12 to 80 (where sigmoid's result is still a normal float) and their negatives. */
    private static float[] sweep() {
        float[] values = new float[2 * 44_000];
        int count = 0;
        for (float x = 1e-12f; x < 80 && count + 2 <= values.length; x *= 1.0007f) {
            values[count++] = x;
            values[count++] = -x;
        }
        return Arrays.copyOf(values, count);
    }

    private static void assertWithinUlps(float[] x, float[] actual, java.util.function.DoubleUnaryOperator exact,
                                         float ulps, String what) {
        float worst = 0;
        float worstAt = 0;
        for (int i = 0; i < x.length; i++) {
            double expected = exact.applyAsDouble(x[i]);
            float error = (float) (Math.abs(actual[i] - expected) / Math.ulp((float) expected));
            if (error > worst) {
                worst = error;
                worstAt = x[i];
            }
        }
        assertTrue(worst <= ulps, what + " is " + worst + " ulp off at x = " + worstAt);
    }

    private static float[] gaussian(Random random, int count, double scale) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }
}
