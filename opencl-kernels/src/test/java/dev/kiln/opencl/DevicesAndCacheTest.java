package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import dev.kiln.backend.UnaryOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery, device choice (two PoCL devices under the module's POCL_DEVICES) and the on-disk binary cache. */
class DevicesAndCacheTest {

    @Test
    void probeListsEveryDeviceWithItsProperties() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        BackendProvider.Probe probe = new OpenClBackendProvider().probe();
        assertTrue(probe.available(), probe.reason());
        assertEquals(devices.size(), probe.devices().size());
        assertEquals(ClDevices.defaultIndex(devices), probe.defaultDevice());
        for (int i = 0; i < probe.devices().size(); i++) {
            DeviceInfo info = probe.devices().get(i);
            assertEquals(i, info.index());
            assertFalse(info.name().isEmpty());
            assertFalse(info.driverVersion().isEmpty());
            assertTrue(info.computeUnits() > 0);
            assertTrue(info.maxAllocationBytes() > 0 && info.maxAllocationBytes() <= info.globalMemoryBytes());
            assertTrue(List.of("cpu", "gpu", "accelerator", "other").contains(info.type()));
        }
        assertEquals("opencl", new OpenClBackendProvider().name());
        assertEquals(100, new OpenClBackendProvider().priority());
    }

    @Test
    void discoveredDevicesDescribeWhatTheRankingAndTheLaunchChecksRead() {
        for (ClDevice device : OpenClTestSupport.devices()) {
            assertTrue(device.versions().matches("OpenCL \\d.*/ OpenCL \\d.*"), device.versions());
            assertFalse(device.platformName().isEmpty());
            assertTrue(device.maxWorkItemSizes().size() >= 3 && device.maxWorkItemSizes().get(0) >= 1,
                    device.maxWorkItemSizes().toString());
            if (device.info().type().equals("cpu")) {
                assertTrue(device.unifiedMemory(), "a CPU device shares the host's memory");
            }
            assertFalse(device.emulatedGpu());
        }
    }

    @Test
    void defaultPrefersGpuThenAcceleratorThenCpu() {
        DeviceInfo cpu = new DeviceInfo(0, "c", "v", "cpu", "1", 1, 1, 1, false);
        DeviceInfo accelerator = new DeviceInfo(1, "a", "v", "accelerator", "1", 1, 1, 1, false);
        DeviceInfo gpu = new DeviceInfo(2, "g", "v", "gpu", "1", 1, 1, 1, false);
        List<ClDevice> devices = Stream.of(cpu, accelerator, gpu)
                .map(i -> DeviceDescriptions.of("p", i, 4, false, Set.of())).toList();
        assertEquals(2, ClDevices.defaultIndex(devices));
        assertEquals(1, ClDevices.defaultIndex(devices.subList(0, 2)));
        assertEquals(0, ClDevices.defaultIndex(devices.subList(0, 1)));
        assertEquals("a", ClDevices.choose(devices, "1").info().name());
        assertEquals("g", ClDevices.choose(devices, "G").info().name());
    }

    @Test
    void aBackendBuiltAheadIsUsedOnlyUnderTheSettingsItWasBuiltWith() throws Exception {
        String previous = System.getProperty("kiln.opencl.staging");
        OpenClBackendProvider provider = new OpenClBackendProvider();
        try {
            System.setProperty("kiln.opencl.staging", "on");
            CompletableFuture.runAsync(provider::createAhead).get(5, TimeUnit.MINUTES);
            System.setProperty("kiln.opencl.staging", "off");
            try (OpenClBackend created = (OpenClBackend) provider.create()) {
                assertFalse(created.stagedTransfers(), "the staged backend built ahead was handed out");
                assertComputes(created);
            }
            System.setProperty("kiln.opencl.staging", "on");
            CompletableFuture.runAsync(provider::createAhead).get(5, TimeUnit.MINUTES);
            try (OpenClBackend taken = (OpenClBackend) provider.create()) {
                assertTrue(taken.stagedTransfers());
                assertFalse(taken.isClosed());
            }
            try (OpenClBackend stopped = OpenClBackend.create()) {
                assertThrows(CancellationException.class, () -> stopped.prepare(DType.F32, () -> true));
                assertEquals(0, stopped.programs().sourceBuilds() + stopped.programs().binaryBuilds());
            }
        } finally {
            provider.discardAhead();
            if (previous == null) {
                System.clearProperty("kiln.opencl.staging");
            } else {
                System.setProperty("kiln.opencl.staging", previous);
            }
        }
    }

    private static void assertComputes(OpenClBackend backend) {
        Buffer x = backend.allocate(DType.F32, 3);
        backend.upload(new float[] {-1, 0, 2}, x);
        backend.unary(UnaryOp.ABS, 0, 0, x, x);
        float[] out = new float[3];
        backend.download(x, out);
        assertArrayEquals(new float[] {1, 0, 2}, out);
    }

    @Test
    void eitherOfTwoDevicesCanBeChosenAndComputes() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        assumeTrue(devices.size() >= 2, "needs two OpenCL devices (POCL_DEVICES=\"pthread pthread\")");
        String previous = System.getProperty("kiln.opencl.device");
        try {
            System.setProperty("kiln.opencl.device", "1");
            assertEquals(1, new OpenClBackendProvider().probe().defaultDevice());
            try (OpenClBackend second = OpenClBackend.create()) {
                assertEquals(1, second.device().index());
                assertComputes(second);
            }
        } finally {
            if (previous == null) {
                System.clearProperty("kiln.opencl.device");
            } else {
                System.setProperty("kiln.opencl.device", previous);
            }
        }
    }

    @Test
    void binaryCacheIsReusedAndACorruptEntryIsRebuilt(@TempDir Path cache) throws IOException {
        ClDevice device = defaultDevice();
        try (OpenClBackend first = new OpenClBackend(device, new BinaryCache(cache))) {
            first.programs().program(first.source(DType.F32, KernelFamily.OPTIM));
            assertEquals(1, first.programs().sourceBuilds());
        }
        List<Path> entries;
        try (Stream<Path> files = Files.list(cache)) {
            entries = files.toList();
        }
        assertEquals(1, entries.size());
        try (OpenClBackend second = new OpenClBackend(device, new BinaryCache(cache))) {
            second.programs().program(second.source(DType.F32, KernelFamily.OPTIM));
            assertEquals(0, second.programs().sourceBuilds());
            assertEquals(1, second.programs().binaryBuilds());
        }
        byte[] content = Files.readAllBytes(entries.get(0));
        content[content.length / 2] ^= 0x5A;
        Files.write(entries.get(0), content);
        try (OpenClBackend third = new OpenClBackend(device, new BinaryCache(cache))) {
            third.programs().program(third.source(DType.F32, KernelFamily.OPTIM));
            assertEquals(1, third.programs().sourceBuilds(), "the corrupt entry is rebuilt from source");
            assertEquals(0, third.programs().binaryBuilds());
        }
        try (OpenClBackend fourth = new OpenClBackend(device, new BinaryCache(cache))) {
            fourth.programs().program(fourth.source(DType.F32, KernelFamily.OPTIM));
            assertEquals(1, fourth.programs().binaryBuilds(), "the rebuilt entry is valid again");
        }
    }

    @Test
    void cacheKeyDependsOnDeviceDriverVersionsSourceAndOptions() {
        ClDevice device = described("dev", "1.0", "OpenCL 3.0 / OpenCL 3.0", true);
        CacheKey key = BinaryCache.key(device, "abc", "");
        assertEquals(key, BinaryCache.key(described("dev", "1.0", "OpenCL 3.0 / OpenCL 3.0", true), "abc", ""));
        assertNotEquals(key, BinaryCache.key(described("dev2", "1.0", "OpenCL 3.0 / OpenCL 3.0", true), "abc", ""));
        assertNotEquals(key, BinaryCache.key(described("dev", "1.1", "OpenCL 3.0 / OpenCL 3.0", true), "abc", ""));
        assertNotEquals(key, BinaryCache.key(described("dev", "1.0", "OpenCL 3.0 / OpenCL 1.2", true), "abc", ""));
        assertNotEquals(key, BinaryCache.key(device, "abd", ""));
        assertNotEquals(key, BinaryCache.key(device, "abc", "-O1"));
        assertEquals(null, OpenClBackend.binaryCache("off"));
    }

    @Test
    void singlePrecisionDivideAndSqrtAreCorrectlyRoundedWhereTheDeviceCan() {
        assertEquals("-cl-fp32-correctly-rounded-divide-sqrt",
                ProgramCache.options(described("dev", "1.0", "OpenCL 3.0 / OpenCL 3.0", true)));
        assertEquals("", ProgramCache.options(described("dev", "1.0", "OpenCL 3.0 / OpenCL 3.0", false)));
        ClDevice real = defaultDevice();
        assertEquals(real.correctlyRoundedDivideSqrt(), ProgramCache.options(real).contains("correctly-rounded"));
    }

    private static ClDevice described(String name, String driver, String versions, boolean correctlyRounded) {
        DeviceInfo info = new DeviceInfo(0, name, "v", "gpu", driver, 1, 1L << 30, 1L << 28, true);
        return new ClDevice(null, null, info, 4, 4, "p", versions, false, Set.of(), correctlyRounded,
                List.of(1024L, 1024L, 64L), false);
    }

    private static ClDevice defaultDevice() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        return devices.get(ClDevices.defaultIndex(devices));
    }
}
