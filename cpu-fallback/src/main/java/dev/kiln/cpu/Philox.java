package dev.kiln.cpu;

/** The Philox-4x32-10 counter-based generator: one 128-bit block per (counter, key). */
final class Philox {
    private static final long MULTIPLIER_0 = 0xD2511F53L;
    private static final long MULTIPLIER_1 = 0xCD9E8D57L;
    private static final int WEYL_0 = 0x9E3779B9;
    private static final int WEYL_1 = 0xBB67AE85;
    private static final int ROUNDS = 10;

    private Philox() {
    }

    /** Writes the four output words for counter words c0..c3 and key words k0, k1 into {@code out[0..4)}. */
    static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += WEYL_0;
                k1 += WEYL_1;
            }
            long product0 = MULTIPLIER_0 * (c0 & 0xFFFFFFFFL);
            long product1 = MULTIPLIER_1 * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (product1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) product1;
            int n2 = (int) (product0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) product0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** The block for counter {@code counter} (low word first, upper two words zero) and key {@code seed} (low word first). */
    static void block(long counter, long seed, int[] out) {
        block((int) counter, (int) (counter >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), out);
    }
}
