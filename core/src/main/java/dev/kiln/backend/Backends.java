package dev.kiln.backend;

import dev.kiln.KilnException;
import dev.kiln.KilnSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds backend providers on the class path and chooses one. Every method may be called from any number of threads
 * at once: each call creates its own backend, and a provider serialises what its platform needs serialised (OpenCL
 * discovery and context creation).
 */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

    /** Name of the CPU backend, the fallback when another backend's kernels do not build. */
    static final String CPU = "cpu";

    /** Selection value that picks the highest-priority available backend. */
    public static final String AUTO = "auto";

    private Backends() {
    }

    /** Every provider on the class path, highest priority first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> found = new ArrayList<>();
        try {
            for (BackendProvider provider : ServiceLoader.load(BackendProvider.class)) {
                found.add(provider);
            }
        } catch (ServiceConfigurationError e) {
            throw new KilnException("a backend provider could not be loaded: " + e.getMessage(), e);
        }
        found.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return found;
    }

    /** The provider called {@code name} ("cpu", "opencl"); fails naming the known ones. */
    public static BackendProvider provider(String name) {
        List<BackendProvider> all = providers();
        return all.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new BackendUnavailableException("unknown backend '" + name + "'; known: "
                        + all.stream().map(BackendProvider::name).toList()));
    }

    /** The backend chosen by {@code kiln.backend} / {@code KILN_BACKEND}, or automatically when unset. */
    public static Backend select() {
        return select(KilnSettings.backend());
    }

    /**
     * The backend named {@code choice} ("auto" for the highest-priority available one). An explicit choice is a
     * promise: when it is unavailable, or its kernels do not build on the device, it fails with the probe's reason
     * or the build log; only automatic selection falls back to the CPU backend.
     */
    public static Backend select(String choice) {
        return select(choice, providers());
    }

    static Backend select(String choice, List<BackendProvider> providers) {
        String wanted = choice == null || choice.isBlank() ? AUTO : choice.trim().toLowerCase(Locale.ROOT);
        if (!wanted.equals(AUTO)) {
            BackendProvider provider = providers.stream()
                    .filter(p -> p.name().equals(wanted))
                    .findFirst()
                    .orElseThrow(() -> new BackendUnavailableException("unknown backend '" + wanted
                            + "'; known: " + providers.stream().map(BackendProvider::name).toList()));
            BackendProvider.Probe probe = provider.probe();
            if (!probe.available()) {
                throw new BackendUnavailableException("backend '" + wanted + "' is unavailable: " + probe.reason());
            }
            try {
                return created(provider, providers, false);
            } catch (KernelBuildException e) {
                throw new BackendUnavailableException("backend '" + wanted + "' was requested, but its kernels do not"
                        + " build on this device: " + e.getMessage(), e);
            }
        }
        List<String> skipped = new ArrayList<>();
        for (BackendProvider provider : providers) {
            BackendProvider.Probe probe = provider.probe();
            if (probe.available()) {
                skipped.forEach(LOG::warn);
                return created(provider, providers, true);
            }
            skipped.add("backend '" + provider.name() + "' skipped: " + probe.reason());
        }
        skipped.forEach(LOG::warn);
        throw new BackendUnavailableException("no backend is available; found " + providers.size() + " provider(s)");
    }

    /** A backend of {@code provider}; with {@code mayFallBack}, the CPU backend when its kernels do not build. */
    private static Backend created(BackendProvider provider, List<BackendProvider> providers, boolean mayFallBack) {
        Backend backend;
        try {
            backend = provider.create();
        } catch (KernelBuildException e) {
            String policy = KilnSettings.openClFallback();
            BackendProvider cpu = providers.stream().filter(p -> p.name().equals(CPU)).findFirst().orElse(null);
            if (!mayFallBack || !policy.equalsIgnoreCase(CPU) || cpu == null || provider == cpu) {
                throw e;
            }
            LOG.warn("backend '{}' could not build its kernels, training on the CPU backend instead"
                    + " (kiln.opencl.fallback=cpu; set it to 'fail' to stop): {}", provider.name(), firstLine(e));
            return created(cpu, providers, false);
        }
        DeviceInfo device = backend.device();
        LOG.info("backend '{}' on {} ({}, {})", backend.name(), device.name(), device.vendor(), device.type());
        return backend;
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
