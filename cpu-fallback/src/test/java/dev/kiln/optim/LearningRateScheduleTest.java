package dev.kiln.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    private static final double TOLERANCE = 1e-15;

    @Test
    void stepDecayMultipliesEveryStep() {
        LearningRateSchedule schedule = new StepDecay(0.5, 2);
        assertEquals(0.1, schedule.rate(0, 0.1), TOLERANCE);
        assertEquals(0.1, schedule.rate(1, 0.1), TOLERANCE);
        assertEquals(0.05, schedule.rate(2, 0.1), TOLERANCE);
        assertEquals(0.05, schedule.rate(3, 0.1), TOLERANCE);
        assertEquals(0.025, schedule.rate(4, 0.1), TOLERANCE);
    }

    @Test
    void exponentialDecayIsSmooth() {
        assertEquals(0.1 * 0.729, new ExponentialDecay(0.9).rate(3, 0.1), TOLERANCE);
        assertEquals(0.1 * Math.sqrt(0.5), new ExponentialDecay(0.5, 2).rate(1, 0.1), TOLERANCE);
        assertEquals(0.1, new ExponentialDecay(0.5, 2).rate(0, 0.1), TOLERANCE);
    }

    @Test
    void cosineDecayFallsToItsMinimumAndStays() {
        LearningRateSchedule schedule = new CosineDecay(20, 0.01);
        assertEquals(0.1, schedule.rate(0, 0.1), TOLERANCE);
        assertEquals(0.01 + 0.09 * (1 + Math.sqrt(0.5)) / 2, schedule.rate(5, 0.1), TOLERANCE);
        assertEquals(0.055, schedule.rate(10, 0.1), TOLERANCE);
        assertEquals(0.01, schedule.rate(20, 0.1), TOLERANCE);
        assertEquals(0.01, schedule.rate(35, 0.1), TOLERANCE);
        assertEquals(0, new CosineDecay(4).rate(4, 0.1), TOLERANCE);
    }

    @Test
    void schedulesRejectBadSettings() {
        assertThrows(KilnException.class, () -> new StepDecay(0.5, 0));
        assertThrows(KilnException.class, () -> new StepDecay(-0.5, 2));
        assertThrows(KilnException.class, () -> new ExponentialDecay(0));
        assertThrows(KilnException.class, () -> new ExponentialDecay(0.9, 0));
        assertThrows(KilnException.class, () -> new CosineDecay(0));
        assertThrows(KilnException.class, () -> new CosineDecay(10, -0.1));
    }
}
