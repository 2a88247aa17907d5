package dev.kiln.cpu;

import static dev.kiln.cpu.HostData.get;
import static dev.kiln.cpu.HostData.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.Backends;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import dev.kiln.backend.PendingDownload;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.TransferStats;
import dev.kiln.backend.UnaryOp;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Memory, transfers, discovery and the errors every misuse must raise. */
class CpuBackendTest {
    private final CpuBackend backend = new CpuBackend();

    @AfterEach
    void close() {
        backend.close();
    }

    private static void assertFails(Executable call, String... fragments) {
        KilnException e = assertThrows(KilnException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
        }
    }

    @Test
    void liveBuffersCountAllocationsUntilFreed() {
        long before = backend.liveBuffers();
        Buffer a = backend.allocate(DType.F32, 3);
        Buffer b = backend.allocate(DType.F64, 0);
        assertEquals(before + 2, backend.liveBuffers());
        backend.free(a);
        assertTrue(a.isFreed());
        assertFalse(b.isFreed());
        assertEquals(before + 1, backend.liveBuffers());
        backend.free(b);
        assertEquals(before, backend.liveBuffers());
    }

    @Test
    void aDownloadLaterReturnsTheValuesOfItsTime() {
        Buffer x = backend.allocate(DType.F64, 4);
        backend.upload(new double[] {1.5, 2, 3, 4}, x);
        PendingDownload read = backend.downloadLater(x, 3);
        backend.fill(x, 9);
        assertArrayEquals(new double[] {1.5, 2, 3}, read.await());
        assertArrayEquals(new double[] {1.5, 2, 3}, read.await());
        Buffer f = backend.allocate(DType.F32, 2);
        backend.upload(new float[] {0.1f, 7}, f);
        assertArrayEquals(new double[] {0.1f, 7}, backend.downloadLater(f, 2).await());
        assertEquals(0, backend.downloadLater(f, 0).await().length);
        backend.free(x);
        backend.free(f);
    }

    @Test
    void closingReleasesEveryBuffer() {
        CpuBackend other = new CpuBackend();
        Buffer buffer = other.allocate(DType.F32, 4);
        other.close();
        assertTrue(buffer.isFreed());
        assertEquals(0, other.liveBuffers());
        assertFails(() -> other.allocate(DType.F32, 1), "allocate", "closed");
    }

    @Test
    void freeingTwiceOrUsingAFreedBufferFails() {
        Buffer a = backend.allocate(DType.F32, 2);
        backend.free(a);
        assertFails(() -> backend.free(a), "free", "already freed");
        assertFails(() -> backend.fill(a, 1), "fill", "freed");
        assertFails(() -> backend.unary(UnaryOp.EXP, 0, 0, a, backend.allocate(DType.F32, 2)), "unary EXP", "x", "freed");
    }

    @Test
    void buffersOfAnotherBackendAreRejected() {
        try (CpuBackend other = new CpuBackend()) {
            Buffer foreign = other.allocate(DType.F32, 2);
            assertFails(() -> backend.fill(foreign, 1), "fill", "another backend");
            assertFails(() -> backend.free(foreign), "free", "another backend");
            assertEquals(1, other.liveBuffers());
        }
    }

    @Test
    void dtypeMismatchesNameTheMethod() {
        Buffer f = backend.allocate(DType.F32, 4);
        Buffer d = backend.allocate(DType.F64, 4);
        assertFails(() -> backend.gemm(false, false, 2, 2, 2, 1, f, d, 0, f), "gemm", "F32", "F64");
        assertFails(() -> backend.binary(BinaryOp.ADD, Broadcast.same(4), f, f, d), "binary ADD", "dtypes differ");
        assertFails(() -> backend.upload(new double[4], f), "upload", "F32", "expected F64");
        assertFails(() -> backend.download(d, new float[4]), "download", "F64", "expected F32");
        assertFails(() -> backend.copy(f, 0, d, 0, 4), "copy", "dtypes differ");
        assertFails(() -> backend.update(UpdateRule.SGD, new UpdateParameters(1, 0, 0, 0, 0, 1), f, d), "update SGD", "dtypes");
    }

    @Test
    void i32BuffersRoundTripCopyAndFill() {
        assertTrue(backend.supports(DType.I32));
        Buffer a = backend.allocate(DType.I32, 5);
        int[] values = {7, -3, Integer.MAX_VALUE, Integer.MIN_VALUE, 16_777_217};
        backend.upload(values, a);
        int[] back = new int[5];
        backend.download(a, back);
        assertArrayEquals(values, back);
        int[] prefix = new int[2];
        backend.download(a, prefix);
        assertArrayEquals(new int[] {7, -3}, prefix);
        Buffer b = backend.allocate(DType.I32, 6);
        backend.fill(b, -1.75);
        backend.copy(a, 1, b, 2, 3);
        int[] copied = new int[6];
        backend.download(b, copied);
        assertArrayEquals(new int[] {-1, -1, -3, Integer.MAX_VALUE, Integer.MIN_VALUE, -1}, copied);
        backend.fill(b, 0);
        backend.copyBlocks(2, 2, a, 0, 3, b, 1, 3);
        backend.download(b, copied);
        assertArrayEquals(new int[] {0, 7, -3, 0, Integer.MIN_VALUE, 16_777_217}, copied);
        TransferStats stats = backend.transfers();
        assertTrue(stats.uploadedBytes() >= 20, stats.toString());
        assertFails(() -> backend.upload(new float[5], a), "upload", "I32", "expected F32");
        assertFails(() -> backend.download(a, new double[5]), "download", "I32", "expected F64");
        assertFails(() -> backend.copy(a, 0, backend.allocate(DType.F32, 5), 0, 5), "copy", "dtypes differ");
    }

    @Test
    void arithmeticRejectsI32Buffers() {
        Buffer ints = backend.allocate(DType.I32, 4);
        Buffer floats = backend.allocate(DType.F32, 4);
        assertFails(() -> backend.gemm(false, false, 2, 2, 2, 1, ints, ints, 0, backend.allocate(DType.I32, 4)),
                "gemm", "I32", "F32 or F64");
        assertFails(() -> backend.gemm(false, false, 2, 2, 2, 1, floats, ints, 0, floats), "gemm", "I32");
        assertFails(() -> backend.unary(UnaryOp.EXP, 0, 0, ints, ints), "unary EXP", "I32");
        assertFails(() -> backend.binary(BinaryOp.ADD, Broadcast.same(4), ints, ints, ints), "binary ADD", "I32");
        assertFails(() -> backend.reduce(ReduceOp.SUM, 1, 4, 1, ints, backend.allocate(DType.I32, 1)), "reduce SUM",
                "I32");
        assertFails(() -> backend.softmax(false, 2, 2, ints, backend.allocate(DType.I32, 4)), "softmax", "I32");
        assertFails(() -> backend.transpose(2, 2, ints, backend.allocate(DType.I32, 4)), "transpose", "I32");
        assertFails(() -> backend.update(UpdateRule.SGD, new UpdateParameters(1, 0, 0, 0, 0, 1), ints,
                backend.allocate(DType.I32, 4)), "update SGD", "I32");
        assertFails(() -> backend.random(dev.kiln.backend.Distribution.UNIFORM, 1, 0, 0, 1, ints), "random UNIFORM",
                "I32");
        assertFails(() -> backend.oneHot(4, 1, ints, ints), "oneHot", "I32", "F32 or F64");
        assertFails(() -> backend.gather(1, 4, 1, ints, backend.allocate(DType.I32, 1), ints), "gather", "I32");
    }

    @Test
    void wrongLengthsAndShapesAreRejected() {
        Buffer six = backend.allocate(DType.F32, 6);
        Buffer four = backend.allocate(DType.F32, 4);
        assertFails(() -> backend.gemm(false, false, 2, 2, 3, 1, six, four, 0, four), "gemm", "b", "expected 6");
        assertFails(() -> backend.unary(UnaryOp.EXP, 0, 0, six, four), "unary EXP", "out", "expected 6");
        assertFails(() -> backend.binary(BinaryOp.ADD, new Broadcast(1, 2, 3, Broadcast.ALL, Broadcast.INNER), six, six, six),
                "binary ADD", "b", "expected 3");
        assertFails(() -> backend.reduce(ReduceOp.SUM, 1, 3, 2, six, six), "reduce SUM", "out", "expected 2");
        assertFails(() -> backend.softmax(false, 2, 2, six, four), "softmax", "x", "expected 4");
        Buffer fourIndices = backend.allocate(DType.I32, 4);
        assertFails(() -> backend.oneHot(4, 2, fourIndices, four), "oneHot", "out", "expected 8");
        assertFails(() -> backend.transpose(3, 3, six, six), "transpose", "expected 9");
        assertFails(() -> backend.copy(six, 4, four, 0, 3), "copy", "out of bounds");
        assertFails(() -> backend.upload(new float[7], six), "upload", "does not fit");
        assertFails(() -> backend.update(UpdateRule.ADAM, new UpdateParameters(1, 0, 0, 0, 0, 1), six, six, six),
                "update ADAM", "expected 2 state buffer(s)");
        assertFails(() -> backend.allocate(DType.F32, -1), "allocate", "-1");
        assertFails(() -> backend.softmax(false, 2, 3, six, six), "softmax", "distinct");
    }

    @Test
    void copyFillAndTransfersAreCounted() {
        TransferStats start = backend.transfers();
        Buffer a = put(backend, DType.F64, 1, 2, 3, 4);
        Buffer b = backend.allocate(DType.F64, 5);
        backend.fill(b, -1);
        backend.copy(a, 1, b, 2, 3);
        assertArrayEquals(new double[] {-1, -1, 2, 3, 4}, get(backend, b));
        float[] head = new float[2];
        Buffer f = put(backend, DType.F32, 5, 6, 7);
        backend.download(f, head);
        assertArrayEquals(new float[] {5, 6}, head);
        assertEquals(new TransferStats(2, 4 * 8 + 3 * 4, 2, 5 * 8 + 2 * 4), backend.transfers().since(start));
    }

    @Test
    void providerIsFoundAndDescribesTheHost() {
        BackendProvider provider = Backends.providers().stream().filter(p -> p.name().equals("cpu")).findFirst().orElseThrow();
        assertEquals(0, provider.priority());
        BackendProvider.Probe probe = provider.probe();
        assertTrue(probe.available());
        assertEquals(0, probe.defaultDevice());
        DeviceInfo device = probe.devices().get(0);
        assertEquals("cpu", device.type());
        assertTrue(device.fp64());
        assertEquals(Runtime.getRuntime().availableProcessors(), device.computeUnits());
        assertFalse(device.name().isBlank());
        assertEquals(device, backend.device());
        assertTrue(device.driverVersion().startsWith("EJML "), device.driverVersion());
        try (Backend created = Backends.select("cpu")) {
            assertEquals("cpu", created.name());
            assertTrue(created.supports(DType.F32) && created.supports(DType.F64));
        }
    }
}
