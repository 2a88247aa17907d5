package dev.kiln.opencl;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** Time since this process started, for startup measurements. */
final class StartupClock {
    // /proc counts a process's start in USER_HZ, 100 on every Linux architecture
    private static final long TICKS_PER_SECOND = 100;

    private StartupClock() {
    }

    static long millisSinceStart() {
        try {
            return sinceBoot(Files.readString(Path.of("/proc/self/stat")), Files.readString(Path.of("/proc/uptime")));
        } catch (IOException | RuntimeException e) {
            return sinceStartInstant();
        }
    }

    /**
     * Milliseconds from the start in {@code stat} (a /proc/PID/stat line) to {@code uptime} (/proc/uptime): both count
     * from the boot, unlike the start instant Java derives from a boot time rounded down to the second.
     */
    static long sinceBoot(String stat, String uptime) {
        // the command name in parentheses may hold spaces; the start time is the 20th field after it
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long startTicks = Long.parseLong(fields[19]);
        double upSeconds = Double.parseDouble(uptime.trim().split(" ")[0]);
        return Math.round(upSeconds * 1000) - startTicks * 1000 / TICKS_PER_SECOND;
    }

    /** The OS's start instant, or the JVM's own start where the OS does not say. */
    private static long sinceStartInstant() {
        Instant start = ProcessHandle.current().info().startInstant()
                .orElseGet(() -> Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()));
        return Duration.between(start, Instant.now()).toMillis();
    }
}
