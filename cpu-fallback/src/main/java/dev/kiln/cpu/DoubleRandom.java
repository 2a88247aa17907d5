package dev.kiln.cpu;

import dev.kiln.backend.Distribution;

/**
 * F64 counter-based random fills as {@link Distribution} defines them: element e = offset + i uses word e % 4 of
 * the Philox block of counter e / 4. The normal deviate sqrt(-2 ln u1) cos(2 pi u2) (or sin, for the pair's second
 * element) is computed in double.
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
                long e = offset + i;
                int word = (int) (e & 3);
                if (i == from || word == 0) {
                    Philox.block(e >>> 2, seed, words);
                }
                double u = (words[word] >>> 8) * TWO_TO_MINUS_24;
                out[i] = switch (distribution) {
                    case UNIFORM -> a + (b - a) * u;
                    case NORMAL -> a + b * standardNormal(words, word);
                    case BERNOULLI -> u < a ? 1 : 0;
                };
            }
        });
    }

    /** The standard normal deviate of element {@code word} (0-3) of a block: Box-Muller on its pair of words. */
    static double standardNormal(int[] words, int word) {
        int pair = word & 2;
        double u1 = ((words[pair] >>> 8) + 1) * TWO_TO_MINUS_24;
        double u2 = (words[pair + 1] >>> 8) * TWO_TO_MINUS_24;
        double r = Math.sqrt(-2 * Math.log(u1));
        return (word & 1) == 0 ? r * Math.cos(2 * Math.PI * u2) : r * Math.sin(2 * Math.PI * u2);
    }
}
