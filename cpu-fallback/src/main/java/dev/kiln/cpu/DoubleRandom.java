package dev.kiln.cpu;

import dev.kiln.backend.Distribution;

/**
 * F64 counter-based random fills as {@link Distribution} defines them: element i uses the Philox block of
 * counter offset + i. The normal deviate sqrt(-2 ln u1) cos(2 pi u2) is computed in double.
 */
final class DoubleRandom {
    private static final double TWO_TO_MINUS_24 = 0x1p-24;
    private static final int GRAIN = 1 << 14;

    private DoubleRandom() {
    }

    static void fill(Distribution distribution, long seed, long offset, double a, double b, double[] out, int length) {
        WorkPool.forRange(length, GRAIN, (from, to) -> {
            int[] words = new int[4];
            for (int i = from; i < to; i++) {
                Philox.block(offset + i, seed, words);
                double u = (words[0] >>> 8) * TWO_TO_MINUS_24;
                out[i] = switch (distribution) {
                    case UNIFORM -> a + (b - a) * u;
                    case NORMAL -> a + b * standardNormal(words);
                    case BERNOULLI -> u < a ? 1 : 0;
                };
            }
        });
    }

    static double standardNormal(int[] words) {
        double u1 = ((words[0] >>> 8) + 1) * TWO_TO_MINUS_24;
        double u2 = (words[1] >>> 8) * TWO_TO_MINUS_24;
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
