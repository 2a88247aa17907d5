package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.DeviceInfo;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The default device and the de-duplicated device list, from descriptions alone. */
class DeviceRankingTest {
    private static final long GIB = 1L << 30;

    @Test
    void aDiscreteGpuBeatsAnIntegratedOneWhateverTheirMemory() {
        ClDevice integrated = DeviceDescriptions.of("p", info(0, "gpu", 32 * GIB), 4, true, Set.of());
        ClDevice discrete = DeviceDescriptions.of("p", info(1, "gpu", 8 * GIB), 4, false, Set.of());
        assertEquals(1, DeviceRanking.best(List.of(integrated, discrete)));
    }

    @Test
    void amongEqualDevicesMoreMemoryWinsThenDiscoveryOrder() {
        List<ClDevice> devices = List.of(DeviceDescriptions.of(0, "gpu", 8 * GIB),
                DeviceDescriptions.of(1, "gpu", 24 * GIB), DeviceDescriptions.of(2, "gpu", 24 * GIB));
        assertEquals(1, DeviceRanking.best(devices));
    }

    @Test
    void anyGpuBeatsAcceleratorsAndCpusAndAnEmptyListHasNoBest() {
        List<ClDevice> devices = List.of(DeviceDescriptions.of(0, "cpu", 256 * GIB),
                DeviceDescriptions.of(1, "accelerator", 64 * GIB),
                DeviceDescriptions.of("p", info(2, "gpu", 2 * GIB), 4, true, Set.of()));
        assertEquals(2, DeviceRanking.best(devices));
        assertEquals(1, DeviceRanking.best(devices.subList(0, 2)));
        assertEquals(-1, DeviceRanking.best(List.of()));
    }

    @Test
    void oneGpuBehindTwoPlatformsIsListedOnceAndTheRestRenumbered() {
        ClDevice vendor = DeviceDescriptions.of("NVIDIA CUDA", info(0, "gpu", 8 * GIB), 4, false,
                Set.of("uuid:00ff", "pci:1:0"));
        ClDevice viaOtherDriver = DeviceDescriptions.of("rusticl", info(1, "gpu", 8 * GIB), 4, false,
                Set.of("pci:1:0"));
        ClDevice other = DeviceDescriptions.of("rusticl", info(2, "gpu", 4 * GIB), 4, false, Set.of("pci:2:0"));
        List<ClDevice> distinct = DeviceRanking.distinct(List.of(vendor, viaOtherDriver, other));
        assertEquals(List.of("NVIDIA CUDA", "rusticl"), distinct.stream().map(ClDevice::platformName).toList());
        assertEquals(List.of(0, 1), distinct.stream().map(device -> device.info().index()).toList());
        assertEquals(4 * GIB, distinct.get(1).info().globalMemoryBytes());
    }

    @Test
    void devicesOfOnePlatformAreNeverMergedAndUnknownIdentitiesNeverMatch() {
        ClDevice first = DeviceDescriptions.of("pocl", info(0, "cpu", GIB), 4, true, Set.of("uuid:01"));
        ClDevice second = DeviceDescriptions.of("pocl", info(1, "cpu", GIB), 4, true, Set.of("uuid:01"));
        ClDevice unknown = DeviceDescriptions.of("other", info(2, "cpu", GIB), 4, true, Set.of());
        assertEquals(3, DeviceRanking.distinct(List.of(first, second, unknown)).size());
    }

    @Test
    void aPlatformWhoseQueriesFailIsSkippedAndTheOthersListed() {
        List<ClDevice> devices = ClDevices.fromPlatforms(3, platform -> {
            if (platform == 1) {
                throw new IllegalStateException("CL_INVALID_PLATFORM");
            }
            return List.of(DeviceDescriptions.of("platform " + platform, info(0, "gpu", GIB), 4, false, Set.of()));
        });
        assertEquals(List.of("platform 0", "platform 2"), devices.stream().map(ClDevice::platformName).toList());
        assertEquals(List.of(0, 1), devices.stream().map(device -> device.info().index()).toList());
    }

    private static DeviceInfo info(int index, String type, long memory) {
        return new DeviceInfo(index, type + " " + index, "v", type, "1", 1, memory, memory / 4, true);
    }
}
