package dev.kiln.samples.cli;

import dev.kiln.KilnException;
import dev.kiln.KilnSettings;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.Backends;
import java.util.List;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Probes the device backends (loading the OpenCL library and its drivers, listing the devices) on a thread of its
 * own while the command line starts on the main thread, for the commands that may open a device: on a machine with
 * PoCL that loading is about a tenth of the time to the first kernel. Logging starts first, on the main thread. The
 * command's own probe then finds the drivers loaded (it waits for the warm-up while the platform is being loaded),
 * and reports what the probe found as before: the warm-up keeps no result, so it changes what a command does in no
 * way but its timing.
 */
final class PlatformWarmUp {
    /** Commands that open a backend. */
    private static final Set<String> DEVICE_COMMANDS = Set.of("train", "bench", "parity", "tune", "predict",
            "evaluate", "devices");
    private static final Set<String> NO_WORK = Set.of("-h", "--help", "-V", "--version");
    private static final PlatformWarmUp NONE = new PlatformWarmUp(null);

    private final Thread thread;

    private PlatformWarmUp(Thread thread) {
        this.thread = thread;
    }

    /**
     * A warm-up started for {@code args}, or none when they run no device command or name the CPU backend; logging
     * has started when it returns.
     */
    static PlatformWarmUp startFor(String[] args) {
        // slf4j hands a thread that asks while another initializes it a substitute logger, not logback's, which the
        // command's level setting cannot take: logging starts here, on the command's thread, before any warm-up
        LoggerFactory.getILoggerFactory();
        if (!wanted(List.of(args), KilnSettings.backend())) {
            return NONE;
        }
        Thread thread = new Thread(PlatformWarmUp::probeDevices, "kiln-platform-warm-up");
        thread.setDaemon(true);
        thread.start();
        return new PlatformWarmUp(thread);
    }

    /** Whether a command line {@code args}, under the backend setting {@code backend}, may open a device. */
    static boolean wanted(List<String> args, String backend) {
        return !args.isEmpty() && DEVICE_COMMANDS.contains(args.get(0)) && !"cpu".equalsIgnoreCase(backend.trim())
                && args.stream().noneMatch(arg -> NO_WORK.contains(arg) || arg.equals("cpu")
                        || arg.equals("--backend=cpu"));
    }

    /** Whether a warm-up thread was started. */
    boolean started() {
        return thread != null;
    }

    /** Waits until the warm-up has ended: a JVM must not exit while a driver is still loading on another thread. */
    void awaitEnd() {
        if (thread == null) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void probeDevices() {
        try {
            // a probe never throws; its answer is dropped, as the command probes again and reports what it finds
            for (BackendProvider provider : Backends.providers()) {
                if (!provider.name().equals("cpu")) {
                    provider.probe();
                }
            }
        } catch (KilnException e) {
            // a provider that cannot be loaded fails the command itself, which reports it
        }
    }
}
