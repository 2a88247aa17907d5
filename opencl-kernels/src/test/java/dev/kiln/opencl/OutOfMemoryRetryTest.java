package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import dev.kiln.backend.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Out of device memory at an enqueue, as a driver that allocates lazily reports it: the pool is released and the
 * command retried once, then the failure names the sizes; and the pool keeps blocks only while live and pooled
 * bytes together fit its cap.
 */
class OutOfMemoryRetryTest {
    private static final long MIB = 1L << 20;

    private final OpenClBackend backend = OpenClTestSupport.backend();

    @AfterEach
    void noFailuresLeft() {
        backend.retry().failNext(0);
    }

    @Test
    void aKernelLaunchThatRunsOutOfMemoryOnceClearsThePoolAndSucceeds() {
        backend.free(backend.allocate(DType.F32, 1000));
        assertTrue(backend.memory().pooledBytes() > 0);
        Buffer x = upload(1, 2, 3);
        backend.retry().failNext(1);
        backend.unary(UnaryOp.SQUARE, 0, 0, x, x);
        assertEquals(0, backend.memory().pooledBytes());
        assertArrayEquals(new float[] {1, 4, 9}, download(x));
        backend.free(x);
    }

    @Test
    void transfersThatRunOutOfMemoryOnceAreRetried() {
        Buffer x = backend.allocate(DType.F32, 3);
        backend.retry().failNext(1);
        backend.upload(new float[] {5, 6, 7}, x);
        backend.retry().failNext(1);
        assertArrayEquals(new float[] {5, 6, 7}, download(x));
        backend.retry().failNext(1);
        backend.fill(x, 2);
        assertArrayEquals(new float[] {2, 2, 2}, download(x));
        backend.free(x);
    }

    @Test
    void aPersistentFailureNamesWhatWasAskedAndWhatTheDeviceHas() {
        Buffer x = upload(1, 2, 3);
        backend.free(backend.allocate(DType.F32, 1000));
        backend.retry().failNext(2);
        KilnException e = assertThrows(KilnException.class, () -> backend.unary(UnaryOp.EXP, 0, 0, x, x));
        String message = e.getMessage();
        assertTrue(message.startsWith("kernel '"), message);
        assertTrue(message.contains("CL_MEM_OBJECT_ALLOCATION_FAILURE"), message);
        assertTrue(message.contains("256 bytes asked"), message);
        assertTrue(message.contains("has " + backend.device().globalMemoryBytes() + " bytes of memory"), message);
        assertTrue(message.contains(backend.memory().bytesInUse() + " bytes live and 0 bytes pooled"), message);
        backend.unary(UnaryOp.SQUARE, 0, 0, x, x);
        assertArrayEquals(new float[] {1, 4, 9}, download(x));
        backend.free(x);
    }

    @Test
    void thePoolKeepsBlocksOnlyWhileLiveAndPooledBytesFitItsCap() {
        // Four MiB of device memory: the cap is 3 MiB of live and pooled blocks together.
        List<ClDevice> devices = OpenClTestSupport.devices();
        ClDevice real = devices.get(ClDevices.defaultIndex(devices));
        DeviceInfo i = real.info();
        DeviceInfo small = new DeviceInfo(i.index(), i.name(), i.vendor(), i.type(), i.driverVersion(),
                i.computeUnits(), 4 * MIB, MIB, i.fp64());
        try (OpenClBackend own = new OpenClBackend(real.withInfo(small), null)) {
            long floats = MIB / Float.BYTES;
            Buffer a = own.allocate(DType.F32, floats);
            Buffer b = own.allocate(DType.F32, floats);
            Buffer c = own.allocate(DType.F32, floats);
            own.free(c);
            assertEquals(2 * MIB, own.memory().bytesInUse());
            assertEquals(MIB, own.memory().pooledBytes(), "2 MiB live + 1 MiB pooled fits");
            Buffer d = own.allocate(DType.F32, floats);
            assertEquals(0, own.memory().pooledBytes(), "served from the pool");
            Buffer e = own.allocate(DType.F32, floats);
            own.free(e);
            assertEquals(3 * MIB, own.memory().bytesInUse());
            assertEquals(0, own.memory().pooledBytes(), "3 MiB live + 1 MiB pooled exceeds the cap");
            for (Buffer buffer : List.of(a, b, d)) {
                own.free(buffer);
            }
            assertEquals(0, own.memory().bytesInUse());
            assertEquals(3 * MIB, own.memory().pooledBytes());
        }
    }

    private Buffer upload(float... values) {
        Buffer buffer = backend.allocate(DType.F32, values.length);
        backend.upload(values, buffer);
        return buffer;
    }

    private float[] download(Buffer buffer) {
        float[] values = new float[(int) buffer.length()];
        backend.download(buffer, values);
        return values;
    }
}
