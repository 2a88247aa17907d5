package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kiln tune's search, its store of tunings, and a backend taking the stored tuning over the built-in one. */
class GemmTunerTest {
    private static final List<GemmWorkload.Shape> SMALL = GemmWorkload.QUICK;

    private static ClDevice defaultDevice() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        return devices.get(ClDevices.defaultIndex(devices));
    }

    @Test
    void aStoredTuningIsWhatANewBackendOnTheDeviceUsesAndItComputesRight(@TempDir Path cache) {
        ClDevice device = defaultDevice();
        GemmTuningStore store = new GemmTuningStore(cache);
        GemmTuning builtIn = TuningTable.gemm(device, DType.F32);
        GemmTuning other = GemmCandidates.neighbours(builtIn).get(0);
        Path file = store.write(device, DType.F32, other, Map.of("measuredSeconds", "0.001"));
        assertTrue(Files.isRegularFile(file));
        try (OpenClBackend tuned = new OpenClBackend(device, null, 0, store)) {
            assertEquals(other, tuned.gemmTuning(DType.F32));
            assertEquals(builtIn, tuned.builtInGemmTuning(DType.F32));
            try (GemmWorkload workload = new GemmWorkload(tuned, DType.F32, SMALL, 1)) {
                assertTrue(workload.seconds() > 0);
            }
        }
        try (OpenClBackend untuned = new OpenClBackend(device, null, 0, null)) {
            assertEquals(builtIn, untuned.gemmTuning(DType.F32), "no store: the built-in table");
        }
    }

    @Test
    void invalidStoredFilesAreIgnoredAndTheBuiltInTuningApplies(@TempDir Path cache) throws IOException {
        ClDevice device = defaultDevice();
        GemmTuningStore store = new GemmTuningStore(cache);
        GemmTuning builtIn = TuningTable.gemm(device, DType.F32);
        Path file = store.write(device, DType.F32, builtIn, Map.of());
        String valid = Files.readString(file);
        List<String> broken = List.of(
                valid.replace("vectorWidth=", "vectorWidth=3\nignored="),
                valid.replaceAll("(?m)^rows=.*$", "rows=lots"),
                valid.replaceAll("(?m)^tile=.*$", "tile=48"),
                valid.replaceAll("(?m)^workPerItem=.*$", "workPerItem=5"),
                valid.replaceAll("(?m)^registerBlocked=.*$", "registerBlocked=maybe"),
                valid.replaceAll("(?m)^depthBlock=.*$", ""),
                valid + "#" + "x".repeat(70_000));
        for (String text : broken) {
            Files.writeString(file, text);
            assertTrue(store.read(device, DType.F32).isEmpty(), text.substring(0, Math.min(400, text.length())));
            try (OpenClBackend backend = new OpenClBackend(device, null, 0, store)) {
                assertEquals(builtIn, backend.gemmTuning(DType.F32));
            }
        }
        Files.writeString(file, valid);
        assertEquals(builtIn, store.read(device, DType.F32).orElseThrow(), "the valid file reads back");
    }

    @Test
    void aTuningIsKeptPerDriverDtypeAndEmulatedType(@TempDir Path cache) {
        ClDevice device = defaultDevice();
        GemmTuningStore store = new GemmTuningStore(cache);
        DeviceInfo i = device.info();
        ClDevice newDriver = device.withInfo(new DeviceInfo(i.index(), i.name(), i.vendor(), i.type(),
                i.driverVersion() + ".1", i.computeUnits(), i.globalMemoryBytes(), i.maxAllocationBytes(), i.fp64()));
        Path original = store.path(device, DType.F32);
        assertNotEquals(original, store.path(newDriver, DType.F32));
        assertNotEquals(original, store.path(device, DType.F64));
        assertNotEquals(original, store.path(GpuEmulation.of(device), DType.F32));
        assertEquals(original, store.path(device.numbered(i.index() + 3), DType.F32), "not the listing position");
        store.write(device, DType.F32, TuningTable.gemm(device, DType.F32), Map.of());
        assertTrue(store.read(newDriver, DType.F32).isEmpty(), "a driver update drops the tuning");
    }

    @Test
    void aSearchStartsFromTheBuiltInTuningChecksEveryCandidateAndStoresOnlyAWinner(@TempDir Path cache) {
        ClDevice device = defaultDevice();
        GemmTuningStore store = new GemmTuningStore(cache);
        List<String> lines = new ArrayList<>();
        try (OpenClBackend backend = new OpenClBackend(device, null, 0, store)) {
            GemmTuning builtIn = backend.builtInGemmTuning(DType.F32);
            GemmTuner.Result result = GemmTuner.tune(backend, DType.F32, SMALL, lines::add);
            assertEquals(GemmTuner.describe(builtIn), result.trials().get(0).kernel());
            assertTrue(result.trials().size() > GemmCandidates.neighbours(builtIn).size() / 2, result.toString());
            for (GemmTuner.Trial trial : result.trials()) {
                assertTrue(trial.failure() != null ? Double.isNaN(trial.seconds()) : trial.seconds() > 0,
                        trial.toString());
            }
            assertEquals(result.trials().size(), lines.stream().filter(l -> l.contains("gemm_")).count());
            GemmTuning chosen = GemmTuningStore.parse(properties(result.chosen()));
            assertEquals(chosen, backend.gemmTuning(DType.F32), "the backend goes on with the chosen tuning");
            if (chosen.equals(builtIn)) {
                assertNull(result.storedAt());
                assertTrue(store.read(device, DType.F32).isEmpty());
            } else {
                assertTrue(result.chosenSeconds() < result.builtInSeconds(), result.toString());
                assertEquals(store.path(device, DType.F32), result.storedAt());
                assertEquals(chosen, store.read(device, DType.F32).orElseThrow());
            }
        }
    }

    @Test
    void theCheckRejectsAResultOffByMoreThanRounding() {
        GemmWorkload.Shape shape = new GemmWorkload.Shape(2, 2, 1000, false, false);
        double[] expected = {10, -20, 30, 40};
        GemmWorkload.check(shape, new double[] {10.005, -20, 30, 40}, expected, 40, DType.F32);
        KilnException e = assertThrows(KilnException.class, () ->
                GemmWorkload.check(shape, new double[] {10, -20, 30.1, 40}, expected, 40, DType.F32));
        assertTrue(e.getMessage().contains("element 2"), e.getMessage());
        assertThrows(KilnException.class, () ->
                GemmWorkload.check(shape, new double[] {10, -20, Double.NaN, 40}, expected, 40, DType.F32));
        assertThrows(KilnException.class, () ->
                GemmWorkload.check(shape, new double[] {10.005, -20, 30, 40}, expected, 40, DType.F64));
    }

    @Test
    void tuningF64OnADeviceWithoutItIsRefused() {
        ClDevice device = defaultDevice();
        DeviceInfo i = device.info();
        ClDevice noFp64 = device.withInfo(new DeviceInfo(i.index(), i.name(), i.vendor(), i.type(),
                i.driverVersion(), i.computeUnits(), i.globalMemoryBytes(), i.maxAllocationBytes(), false));
        try (OpenClBackend backend = new OpenClBackend(noFp64, null, 0, null)) {
            KilnException e = assertThrows(KilnException.class,
                    () -> GemmTuner.tune(backend, DType.F64, SMALL, line -> { }));
            assertTrue(e.getMessage().contains("no fp64"), e.getMessage());
            assertFalse(e.getMessage().isEmpty());
        }
    }

    private static java.util.Properties properties(Map<String, String> values) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(values);
        return p;
    }
}
