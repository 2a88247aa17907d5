package dev.kiln.opencl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The default device and the device list without duplicates, from device descriptions alone. Preferred: GPUs, then
 * accelerators, then CPUs; among equals a discrete device (own memory) before an integrated one, then more global
 * memory, then discovery order.
 */
final class DeviceRanking {
    private static final List<String> TYPES = List.of("gpu", "accelerator", "cpu");

    private static final Comparator<ClDevice> PREFERENCE = Comparator
            .comparingInt((ClDevice device) -> typeRank(device.info().type()))
            .thenComparing(ClDevice::unifiedMemory)
            .thenComparing(Comparator.comparingLong((ClDevice device) -> device.info().globalMemoryBytes()).reversed())
            .thenComparingInt(device -> device.info().index());

    private DeviceRanking() {
    }

    /** The index of the preferred device; -1 if there is none. */
    static int best(List<ClDevice> devices) {
        return devices.stream().min(PREFERENCE).map(device -> device.info().index()).orElse(-1);
    }

    /**
     * {@code devices} without those that an earlier device of another platform shares an identity with (one GPU
     * behind two drivers), renumbered in order. Devices of one platform are never merged: each is its own queue.
     */
    static List<ClDevice> distinct(List<ClDevice> devices) {
        List<ClDevice> kept = new ArrayList<>();
        for (ClDevice device : devices) {
            boolean duplicate = kept.stream().anyMatch(other -> !other.platformName().equals(device.platformName())
                    && other.identities().stream().anyMatch(device.identities()::contains));
            if (!duplicate) {
                kept.add(device.numbered(kept.size()));
            }
        }
        return List.copyOf(kept);
    }

    private static int typeRank(String type) {
        int rank = TYPES.indexOf(type);
        return rank < 0 ? TYPES.size() : rank;
    }
}
