package dev.kiln.cpu;

/**
 * Sigmoid and tanh of one F32 value in float additions, multiplications and one division only, so that the Vector
 * API's lanes ({@link VectorGateFunctions}) give the same bits as this scalar code, compiled or interpreted (the JDK's
 * own vector exp gives other bits in the interpreter than in compiled code). Accuracy against the correctly rounded
 * result: tanh within 1 ulp, sigmoid within 2 down to the smallest normal float (below -89, sigmoid is 0).
 */
final class GateMath {
    /** Adding 1.5 * 2^23 rounds a float of magnitude below 2^22 to an integer, to nearest even. */
    static final float ROUNDER = 12582912f;
    static final int ROUNDER_BITS = 0x4B400000;
    static final float LOG2_E = 1.44269504f;
    /** ln 2 in two parts: the high one has 9 significant bits, so that n * LN2_HI is exact for every n used. */
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    /** exp's argument is clamped here: exp(89) overflows, and below -86.5 e^x is only ever added to 1. */
    static final float EXP_MAX = 89f;
    static final float EXP_MIN = -86.5f;
    /** Below this, tanh(a) = a + a z Q(z) with z = a^2; above, 1 - 2 / (exp(2a) + 1) keeps every bit (it is > 0.6). */
    static final float TANH_POLYNOMIAL_BELOW = 0.7f;
    /** Q's coefficients from z^0 up, fitted (weighted least squares on Chebyshev nodes) to tanh on [0, 0.7]. */
    static final float Q0 = -0.33333325386047363f;
    static final float Q1 = 0.13333000242710114f;
    static final float Q2 = -0.05392231047153473f;
    static final float Q3 = 0.0215761736035347f;
    static final float Q4 = -0.00789222028106451f;
    static final float Q5 = 0.0019015180878341198f;
    /** 1 / k! for k = 2..7: exp(r) on |r| <= ln(2) / 2 by Taylor's series, whose next term is under 0.1 ulp. */
    static final float C2 = 1f / 2;
    static final float C3 = 1f / 6;
    static final float C4 = 1f / 24;
    static final float C5 = 1f / 120;
    static final float C6 = 1f / 720;
    static final float C7 = 1f / 5040;

    private GateMath() {
    }

    static float sigmoid(float x) {
        return 1 / (1 + exp(-x));
    }

    static float tanh(float x) {
        float a = Math.abs(x);
        float z = a * a;
        float small = a + a * z * (Q0 + z * (Q1 + z * (Q2 + z * (Q3 + z * (Q4 + z * Q5)))));
        float large = 1 - 2 / (exp(2 * a) + 1);
        return Math.copySign(a < TANH_POLYNOMIAL_BELOW ? small : large, x);
    }

    /** e^x for x clamped to [EXP_MIN, EXP_MAX]: x = n ln 2 + r, e^x = 2^(n-1) * 2 * e^r (2^(n-1) stays normal). */
    static float exp(float x) {
        float clamped = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        float shifted = clamped * LOG2_E + ROUNDER;
        int n = Float.floatToRawIntBits(shifted) - ROUNDER_BITS;
        float nf = shifted - ROUNDER;
        float r = clamped - nf * LN2_HI - nf * LN2_LO;
        float er = 1 + r * (1 + r * (C2 + r * (C3 + r * (C4 + r * (C5 + r * (C6 + r * C7))))));
        return er * Float.intBitsToFloat((n + 126) << 23) * 2;
    }
}
