package dev.kiln.backend;

/**
 * A backend's device memory at one moment: a leak shows as live buffers or bytes that grow from one epoch to the
 * next.
 *
 * @param liveBuffers buffers allocated and not yet freed
 * @param bytesInUse device memory those buffers hold (a device may reserve more than their elements need)
 * @param pooledBytes memory of freed buffers that the backend keeps to reuse
 */
public record DeviceMemory(long liveBuffers, long bytesInUse, long pooledBytes) {
}
