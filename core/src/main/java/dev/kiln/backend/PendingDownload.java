package dev.kiln.backend;

/**
 * Values on their way to the host, from {@link Backend#downloadLater}: the calls issued after it run on while the
 * host does other work, and {@link #await} waits for the values alone.
 */
@FunctionalInterface
public interface PendingDownload {
    /**
     * Waits until the values have arrived (and the calls issued before {@code downloadLater} have finished, not the
     * ones issued after) and returns them as doubles; every call returns the same values. Holds the backend's lock
     * while it waits.
     */
    double[] await();
}
