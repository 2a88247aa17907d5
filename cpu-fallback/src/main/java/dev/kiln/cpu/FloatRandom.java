package dev.kiln.cpu;

import dev.kiln.backend.Distribution;

/**
 * F32 counter-based random fills as {@link Distribution} defines them: element e = offset + i uses word e % 4 of
 * the Philox block of counter e / 4. u is exact in float; a and b are rounded to float and the affine maps run in float
 * (UNIFORM: a + (b - a) * u, BERNOULLI: u &lt; a); the normal deviate is computed in double, rounded to
 * float, then a + b * z in float.
 */
final class FloatRandom {
    private static final float TWO_TO_MINUS_24 = 0x1p-24f;
    private static final int GRAIN = 1 << 14;

    private FloatRandom() {
    }

    static void fill(Distribution distribution, long seed, long offset, double a, double b, float[] out, int length) {
        float low = (float) a;
        float high = (float) b;
        WorkPool.forRange(length, GRAIN, (from, to) -> {
            int[] words = new int[4];
            for (int i = from; i < to; i++) {
                long e = offset + i;
                int word = (int) (e & 3);
                if (i == from || word == 0) {
                    Philox.block(e >>> 2, seed, words);
                }
                float u = (words[word] >>> 8) * TWO_TO_MINUS_24;
                out[i] = switch (distribution) {
                    case UNIFORM -> low + (high - low) * u;
                    case NORMAL -> low + high * (float) DoubleRandom.standardNormal(words, word);
                    case BERNOULLI -> u < low ? 1 : 0;
                };
            }
        });
    }
}
