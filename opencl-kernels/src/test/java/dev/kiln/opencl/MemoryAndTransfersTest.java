package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import dev.kiln.backend.PendingDownload;
import dev.kiln.backend.TransferStats;
import dev.kiln.backend.UnaryOp;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import org.jocl.CL;
import org.junit.jupiter.api.Test;

/** Transfers are counted, kernels run without host round trips, close releases everything, F64 needs fp64. */
class MemoryAndTransfersTest {
    private final OpenClBackend backend = OpenClTestSupport.backend();

    @Test
    void transfersAreCountedInCallsAndBytesAndKernelsTransferNothing() {
        TransferStats before = backend.transfers();
        Buffer x = backend.allocate(DType.F32, 5);
        backend.upload(new float[] {1, 2, 3, 4, 5}, x);
        backend.unary(UnaryOp.SQUARE, 0, 0, x, x);
        backend.fill(x, 2);
        backend.unary(UnaryOp.AFFINE, 3, 1, x, x);
        backend.synchronize();
        assertEquals(new TransferStats(1, 20, 0, 0), backend.transfers().since(before));
        float[] out = new float[3];
        backend.download(x, out);
        assertArrayEquals(new float[] {7, 7, 7}, out);
        assertEquals(new TransferStats(1, 20, 1, 12), backend.transfers().since(before));
        backend.free(x);
    }

    @Test
    void anEmptyDownloadKeepsUploadCopiesUntilTheQueueIsWaitedOn() {
        Buffer x = backend.allocate(DType.F32, 4);
        long pending = backend.pendingUploadBytes() + 16;
        backend.upload(new float[] {1, 2, 3, 4}, x);
        assertEquals(pending, backend.pendingUploadBytes());
        backend.download(x, new float[0]);
        assertEquals(pending, backend.pendingUploadBytes());
        float[] out = new float[4];
        backend.download(x, out);
        assertArrayEquals(new float[] {1, 2, 3, 4}, out);
        assertEquals(0, backend.pendingUploadBytes());
        backend.free(x);
    }

    @Test
    void aDownloadLaterReadsTheValuesOfItsTimeAndFreesTheUploadCopiesBeforeIt() {
        Buffer x = backend.allocate(DType.F32, 4);
        Buffer y = backend.allocate(DType.F32, 4);
        backend.upload(new float[] {1, 2, 3, 4}, x);
        PendingDownload read = backend.downloadLater(x, 3);
        backend.fill(x, 9);
        backend.upload(new float[] {5, 6, 7, 8}, y);
        assertArrayEquals(new double[] {1, 2, 3}, read.await());
        assertEquals(16, backend.pendingUploadBytes(), "the upload queued after the read may still be in flight");
        assertArrayEquals(new double[] {1, 2, 3}, read.await());
        assertEquals(0, backend.downloadLater(y, 0).await().length);
        assertEquals(0, backend.pendingUploadBytes());
        backend.free(x);
        backend.free(y);
    }

    @Test
    void aDownloadLaterNotYetAwaitedIsCompletedByTheNextWait() {
        // Doubles where the device has them, so that both element sizes are read.
        boolean doubles = backend.supports(DType.F64);
        Buffer x = backend.allocate(doubles ? DType.F64 : DType.F32, 2);
        if (doubles) {
            backend.upload(new double[] {0.25, -3}, x);
        } else {
            backend.upload(new float[] {0.25f, -3}, x);
        }
        PendingDownload read = backend.downloadLater(x, 2);
        backend.fill(x, 1);
        backend.synchronize();
        assertArrayEquals(new double[] {0.25, -3}, read.await());
        backend.free(x);
    }

    @Test
    void nonBlockingTransfersHandJoclNoWaitingTasks() throws ReflectiveOperationException {
        assertTrue(UntrackedTransfers.available(), "JOCL's native transfer methods were not found");
        long before = joclWaitingTasks();
        Buffer x = backend.allocate(DType.F32, 784);
        List<PendingDownload> reads = new ArrayList<>();
        for (int step = 0; step < 20; step++) {
            float[] values = new float[784];
            Arrays.fill(values, step);
            backend.upload(values, x);
            backend.unary(UnaryOp.SQUARE, 0, 0, x, x);
            reads.add(backend.downloadLater(x, 2));
        }
        for (int step = 0; step < reads.size(); step++) {
            assertArrayEquals(new double[] {step * step, step * step}, reads.get(step).await(), "step " + step);
        }
        assertEquals(before, joclWaitingTasks());
        backend.free(x);
    }

    /** Tasks handed so far to the pool where JOCL's tracked calls wait for each non-blocking transfer. */
    private static long joclWaitingTasks() throws ReflectiveOperationException {
        Field executor = CL.class.getDeclaredField("referenceReleaseExecutor");
        executor.setAccessible(true);
        return ((ThreadPoolExecutor) executor.get(null)).getTaskCount();
    }

    @Test
    void uploadsInFlightEachKeepTheirOwnHostMemoryAndTheNextOnesReuseIt() {
        try (OpenClBackend unstaged = unstaged()) {
            // Twenty writes in flight at once: none may read another's host copy.
            List<Buffer> buffers = new ArrayList<>();
            for (int b = 0; b < 20; b++) {
                Buffer buffer = unstaged.allocate(DType.F32, 784);
                unstaged.upload(constant(784, b), buffer);
                buffers.add(buffer);
            }
            long allocated = unstaged.uploadMemory().allocatedBytes();
            for (int round = 0; round < 3; round++) {
                for (int b = 0; b < buffers.size(); b++) {
                    float[] back = new float[784];
                    unstaged.download(buffers.get(b), back);
                    assertArrayEquals(constant(784, round * 100 + b), back, "round " + round + ", buffer " + b);
                }
                // The downloads waited for the queue: the same host memory now carries the next writes.
                for (int b = 0; b < buffers.size(); b++) {
                    unstaged.upload(constant(784, (round + 1) * 100 + b), buffers.get(b));
                }
                assertEquals(allocated, unstaged.uploadMemory().allocatedBytes());
            }
        }
    }

    @Test
    void repeatedUploadsOfOneSizeAllocateNoHostMemoryAfterTheFirst() {
        try (OpenClBackend unstaged = unstaged()) {
            Buffer x = unstaged.allocate(DType.F32, 784);
            float[] back = new float[784];
            unstaged.upload(constant(784, 0), x);
            unstaged.download(x, back);
            long allocated = unstaged.uploadMemory().allocatedBytes();
            for (int call = 1; call <= 200; call++) {
                unstaged.upload(constant(784, call), x);
                unstaged.download(x, back);
                assertArrayEquals(constant(784, call), back, "call " + call);
            }
            assertEquals(allocated, unstaged.uploadMemory().allocatedBytes());
        }
    }

    @Test
    void anUploadLargerThanTheHeldHostMemoryPassesThroughInChunksAndArrivesWhole() {
        try (OpenClBackend unstaged = unstaged()) {
            int size = (int) (UploadMemory.HELD_BYTES / Float.BYTES) * 2 + 12345;
            float[] values = constant(size, 3);
            values[size - 1] = -1;
            Buffer x = unstaged.allocate(DType.F32, size);
            unstaged.upload(values, x);
            assertTrue(unstaged.uploadMemory().claimedBytes() <= UploadMemory.HELD_BYTES);
            float[] back = new float[size];
            unstaged.download(x, back);
            assertArrayEquals(values, back);
            // Full chunks reuse the blocks of the first pass; only the last, shorter chunk needs a block of its own.
            assertEquals(UploadMemory.HELD_BYTES + UploadMemory.sizeClass(12345 * Float.BYTES),
                    unstaged.uploadMemory().allocatedBytes());
        }
    }

    @Test
    void doublePrecisionRoundTripsWhereSupported() {
        if (!backend.device().fp64()) {
            assertFalse(backend.supports(DType.F64));
            return;
        }
        Buffer x = backend.allocate(DType.F64, 2);
        backend.upload(new double[] {Math.PI, 1e-300}, x);
        double[] out = new double[2];
        backend.download(x, out);
        assertArrayEquals(new double[] {Math.PI, 1e-300}, out);
        backend.free(x);
    }

    @Test
    void withoutFp64DoublePrecisionIsAClearError() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        ClDevice real = devices.get(ClDevices.defaultIndex(devices));
        DeviceInfo info = real.info();
        DeviceInfo withoutFp64 = new DeviceInfo(info.index(), info.name(), info.vendor(), info.type(), info.driverVersion(),
                info.computeUnits(), info.globalMemoryBytes(), info.maxAllocationBytes(), false);
        try (OpenClBackend single = new OpenClBackend(real.withInfo(withoutFp64), null)) {
            assertFalse(single.supports(DType.F64));
            KilnException e = assertThrows(KilnException.class, () -> single.allocate(DType.F64, 4));
            assertTrue(e.getMessage().contains("cl_khr_fp64"), e.getMessage());
        }
    }

    @Test
    void closeReleasesLiveBuffersAndRefusesFurtherWork() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        OpenClBackend own = new OpenClBackend(devices.get(ClDevices.defaultIndex(devices)), null);
        Buffer kept = own.allocate(DType.F32, 10);
        Buffer freed = own.allocate(DType.F32, 10);
        own.free(freed);
        assertEquals(1, own.liveBuffers());
        own.close();
        assertEquals(0, own.liveBuffers());
        assertTrue(kept.isFreed());
        assertThrows(KilnException.class, () -> own.allocate(DType.F32, 1));
        own.close();
    }

    @Test
    void buffersOfAnotherBackendAreRejected() {
        Buffer foreign = OpenClTestSupport.reference().allocate(DType.F32, 4);
        Buffer own = backend.allocate(DType.F32, 4);
        KilnException e = assertThrows(KilnException.class, () -> backend.unary(UnaryOp.EXP, 0, 0, foreign, own));
        assertTrue(e.getMessage().contains("'cpu'"), e.getMessage());
        OpenClTestSupport.reference().free(foreign);
        backend.free(own);
    }

    /** A backend on the default device whose uploads always read from {@link UploadMemory}. */
    private static OpenClBackend unstaged() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        return new OpenClBackend(devices.get(ClDevices.defaultIndex(devices)), null, 0);
    }

    private static float[] constant(int size, int seed) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = seed * 10000 + i;
        }
        return values;
    }
}
