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

/** Finds backend providers on the class path and chooses one. */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

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

    /** The backend chosen by {@code kiln.backend} / {@code KILN_BACKEND}, or automatically when unset. */
    public static Backend select() {
        return select(KilnSettings.backend());
    }

    /**
     * The backend named {@code choice} ("auto" for the highest-priority available one). An explicit choice
     * that is unavailable fails with the probe's reason.
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
            return created(provider);
        }
        List<String> skipped = new ArrayList<>();
        for (BackendProvider provider : providers) {
            BackendProvider.Probe probe = provider.probe();
            if (probe.available()) {
                skipped.forEach(LOG::warn);
                return created(provider);
            }
            skipped.add("backend '" + provider.name() + "' skipped: " + probe.reason());
        }
        skipped.forEach(LOG::warn);
        throw new BackendUnavailableException("no backend is available; found " + providers.size() + " provider(s)");
    }

    private static Backend created(BackendProvider provider) {
        Backend backend = provider.create();
        DeviceInfo device = backend.device();
        LOG.info("backend '{}' on {} ({}, {})", backend.name(), device.name(), device.vendor(), device.type());
        return backend;
    }
}
