package dev.kiln.samples.commandline;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.BackendUnavailableException;
import dev.kiln.backend.Backends;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The devices of {@code --devices all|0,1|cpu,0}: OpenCL device indices (as {@code kiln devices} lists them) and
 * {@code cpu} for the CPU backend, in order, the first one holding the model; {@code all} is every OpenCL device,
 * or the CPU backend when there is none. Closing the list closes every backend it opened.
 */
public final class DeviceList implements AutoCloseable {
    /** The entry naming the CPU backend. */
    public static final String CPU = "cpu";
    private static final String ALL = "all";

    private final List<Backend> backends;

    private DeviceList(List<Backend> backends) {
        this.backends = List.copyOf(backends);
    }

    /** Opens the devices {@code spec} lists; fails before opening any when the list is wrong. */
    public static DeviceList open(String spec) {
        BackendProvider openCl = Backends.providers().stream().filter(p -> p.name().equals("opencl")).findFirst()
                .orElse(null);
        BackendProvider.Probe probe = openCl == null ? BackendProvider.Probe.unavailable("no OpenCL provider")
                : openCl.probe();
        List<String> entries = entries(spec, probe.available() ? probe.devices().size() : 0);
        List<Backend> opened = new ArrayList<>();
        try {
            for (String entry : entries) {
                if (entry.equals(CPU)) {
                    opened.add(Backends.provider(CPU).create());
                } else if (!probe.available()) {
                    throw new BackendUnavailableException("--devices " + spec + ": OpenCL device " + entry
                            + " is unavailable: " + probe.reason());
                } else {
                    opened.add(openCl.create(probe.devices().get(Integer.parseInt(entry))));
                }
            }
        } catch (RuntimeException e) {
            opened.forEach(Backend::close);
            throw e;
        }
        return new DeviceList(opened);
    }

    /**
     * The entries of {@code spec} with {@code openClDevices} OpenCL devices present: "cpu" or a device index each,
     * in order; fails naming a wrong entry.
     */
    public static List<String> entries(String spec, int openClDevices) {
        String given = spec.trim().toLowerCase(Locale.ROOT);
        if (given.equals(ALL)) {
            List<String> all = new ArrayList<>();
            for (int i = 0; i < openClDevices; i++) {
                all.add(String.valueOf(i));
            }
            return all.isEmpty() ? List.of(CPU) : all;
        }
        Set<String> entries = new LinkedHashSet<>();
        for (String part : given.split(",", -1)) {
            String entry = part.trim();
            if (!entry.equals(CPU) && !entry.matches("\\d{1,9}")) {
                throw new KilnException("--devices: '" + part + "' is neither 'cpu' nor an OpenCL device index; expected"
                        + " all, or a list such as 0,1 or cpu,0");
            }
            if (!entry.equals(CPU) && Integer.parseInt(entry) >= openClDevices) {
                throw new KilnException("--devices: there is no OpenCL device " + entry + "; this machine has "
                        + openClDevices + (openClDevices == 1 ? " (index 0)" : openClDevices == 0 ? ""
                        : " (indices 0 to " + (openClDevices - 1) + ")") + ", see kiln devices");
            }
            if (!entries.add(entry)) {
                throw new KilnException("--devices: '" + entry + "' is listed twice; each device trains one replica");
            }
        }
        return List.copyOf(entries);
    }

    /** The backends, in the order listed. */
    public List<Backend> backends() {
        return backends;
    }

    @Override
    public void close() {
        backends.forEach(Backend::close);
    }
}
