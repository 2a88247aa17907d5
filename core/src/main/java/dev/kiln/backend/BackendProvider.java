package dev.kiln.backend;

import java.util.List;

/**
 * A kind of backend, found through {@link java.util.ServiceLoader}. Constructing a provider must be cheap
 * and must not touch native code; {@link #probe()} does the checking and {@link #create} the work.
 */
public interface BackendProvider {

    /** Name used for selection, the same as the created backend's {@link Backend#name()}. */
    String name();

    /** Higher wins automatic selection (OpenCL above CPU). */
    int priority();

    /** Whether a backend can be created here, with the devices found; never throws. */
    Probe probe();

    /** Creates a backend on the device the settings choose (the provider's default otherwise). */
    Backend create();

    /**
     * Creates a backend on {@code device}, one of those {@link #probe()} lists (matched by index), so that tools can
     * open any device of a provider without knowing its backend class.
     */
    Backend create(DeviceInfo device);

    /**
     * Builds, on the calling thread, the backend {@link #create()} would return now, and keeps it for this JVM's next
     * {@link #create()} (see {@link BackendAhead}): a launcher calls it on a second thread while the command line
     * starts. Does nothing where creating is cheap, as it is by default.
     */
    default void createAhead() {
    }

    /** Closes the backend {@link #createAhead()} built, when no {@link #create()} took it. */
    default void discardAhead() {
    }

    /**
     * Result of probing a provider.
     *
     * @param available whether {@link #create()} is expected to succeed
     * @param reason why not, or a short description of what was found
     * @param devices devices found (empty when unavailable)
     * @param defaultDevice index in {@code devices} the provider would use, or -1
     */
    record Probe(boolean available, String reason, List<DeviceInfo> devices, int defaultDevice) {
        public Probe {
            devices = List.copyOf(devices);
        }

        public static Probe unavailable(String reason) {
            return new Probe(false, reason, List.of(), -1);
        }
    }
}
