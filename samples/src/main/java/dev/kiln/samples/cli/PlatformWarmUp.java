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
 * and reports what the probe found as before: the probe's answer is dropped.
 *
 * <p>For {@code train} on one device, the thread then has the chosen device backend built ahead
 * ({@link BackendProvider#createAhead()}: its context and kernels, a third of the time to the first launch on PoCL),
 * which the command's {@code Backends.select} takes when it asks that provider under the same settings; otherwise
 * it is closed when the command ends. Either way the command does what it did without the warm-up, only sooner.
 */
final class PlatformWarmUp {
    /** Commands that open a backend. */
    private static final Set<String> DEVICE_COMMANDS = Set.of("train", "bench", "parity", "tune", "predict",
            "evaluate", "devices");
    private static final Set<String> NO_WORK = Set.of("-h", "--help", "-V", "--version");
    private static final PlatformWarmUp NONE = new PlatformWarmUp();

    private final Thread thread;
    /** The provider the thread asked to build a backend ahead, if it asked one. */
    private volatile BackendProvider building;
    /** Set when the command has ended: the thread then starts no backend. */
    private volatile boolean ending;

    private PlatformWarmUp() {
        this.thread = null;
    }

    private PlatformWarmUp(boolean createAhead) {
        this.thread = new Thread(() -> warmUp(createAhead), "kiln-platform-warm-up");
        thread.setDaemon(true);
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
        PlatformWarmUp warmUp = new PlatformWarmUp(createsOneBackend(List.of(args)));
        warmUp.thread.start();
        return warmUp;
    }

    /** Whether {@code args}, a command that {@link #wanted} a warm-up, open one backend of the chosen provider. */
    static boolean createsOneBackend(List<String> args) {
        return args.get(0).equals("train")
                && args.stream().noneMatch(arg -> arg.equals("--devices") || arg.startsWith("--devices="));
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

    /**
     * Waits until the warm-up has ended, stopping a backend it is still building and closing one the command did not
     * take: a JVM must not exit while a driver is still loading or building on another thread.
     */
    void awaitEnd() {
        if (thread == null) {
            return;
        }
        ending = true;
        discardBuilt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        // a build that began as the command ended
        discardBuilt();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void discardBuilt() {
        BackendProvider provider = building;
        if (provider != null) {
            provider.discardAhead();
        }
    }

    /**
     * Probes the device providers, highest priority first; with {@code createAhead}, has the first available one
     * build its backend ahead, the one automatic selection (or the only device backend a command line can name
     * besides the CPU's) chooses.
     */
    private void warmUp(boolean createAhead) {
        try {
            boolean ahead = createAhead;
            // a probe never throws; its answer is dropped, as the command probes again and reports what it finds
            for (BackendProvider provider : Backends.providers()) {
                if (!provider.name().equals("cpu") && provider.probe().available() && ahead && !ending) {
                    ahead = false;
                    building = provider;
                    provider.createAhead();
                }
            }
        } catch (KilnException e) {
            // a provider that cannot be loaded fails the command itself, which reports it
        }
    }
}
