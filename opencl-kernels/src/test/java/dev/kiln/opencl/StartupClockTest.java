package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class StartupClockTest {

    @Test
    void theStartCountsFromTheBootAsTheUptimeDoes() {
        String stat = "4242 (java (kiln) x) S 1 4242 1 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 3708889 3133440 408";

        assertEquals(1_230, StartupClock.sinceBoot(stat, "37090.12 19500.00\n"));
    }

    @Test
    void thisProcessStartedBeforeItsJvmAndNotLongBefore() {
        long jvmUptime = ManagementFactory.getRuntimeMXBean().getUptime();
        long sinceStart = StartupClock.millisSinceStart();

        // /proc counts in hundredths of a second: a margin of two ticks
        assertTrue(sinceStart >= jvmUptime - 20, sinceStart + " ms since the start, " + jvmUptime + " ms of JVM");
        assertTrue(sinceStart <= jvmUptime + 2_000, sinceStart + " ms since the start, " + jvmUptime + " ms of JVM");
    }
}
