package dev.kiln.backend;

/**
 * What a backend runs on.
 *
 * @param index position of the device in its backend's device list
 * @param name device name as the driver reports it
 * @param vendor device vendor
 * @param type "cpu", "gpu" or "accelerator"
 * @param driverVersion driver (or library) version
 * @param computeUnits parallel compute units (cores for the CPU backend)
 * @param globalMemoryBytes device memory in bytes
 * @param maxAllocationBytes largest single buffer in bytes
 * @param fp64 whether the device computes in double precision
 */
public record DeviceInfo(
        int index,
        String name,
        String vendor,
        String type,
        String driverVersion,
        int computeUnits,
        long globalMemoryBytes,
        long maxAllocationBytes,
        boolean fp64) {
}
