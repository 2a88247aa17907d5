package dev.kiln.opencl;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;

/** Time since this process started (the JVM's own start when the OS does not say), for startup measurements. */
final class StartupClock {
    private StartupClock() {
    }

    static long millisSinceStart() {
        Instant start = ProcessHandle.current().info().startInstant()
                .orElseGet(() -> Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()));
        return Duration.between(start, Instant.now()).toMillis();
    }
}
