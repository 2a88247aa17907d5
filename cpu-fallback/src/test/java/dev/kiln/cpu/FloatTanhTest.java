package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The exp-based F32 tanh against the correctly rounded double tanh, across every regime of its input. */
class FloatTanhTest {
    @Test
    void withinOneUlpOfTheRoundedDoubleTanhFromTinyToSaturated() {
        float worst = 0;
        float worstAt = 0;
        for (float x = 1e-12f; x < 30; x *= 1.0007f) {
            for (float signed : new float[] {x, -x}) {
                float expected = (float) Math.tanh(signed);
                float error = Math.abs(FloatElementwise.tanh(signed) - expected) / Math.ulp(expected);
                if (error > worst) {
                    worst = error;
                    worstAt = signed;
                }
            }
        }
        assertTrue(worst <= 1, "tanh is " + worst + " ulp off at x = " + worstAt);
    }

    @Test
    void keepsSignedZerosInfinitiesAndNaN() {
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(FloatElementwise.tanh(-0f)));
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(FloatElementwise.tanh(0f)));
        assertEquals(1f, FloatElementwise.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, FloatElementwise.tanh(Float.NEGATIVE_INFINITY));
        assertEquals(1f, FloatElementwise.tanh(Float.MAX_VALUE));
        assertTrue(Float.isNaN(FloatElementwise.tanh(Float.NaN)));
    }
}
