package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.BackendLock;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.TransferStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploads and downloads through 1 KiB of pinned staging memory, in chunks of half of it: every size, every element
 * type, many threads.
 */
class StagedTransfersTest {
    private static final int STAGING_BYTES = 1024;
    /** Empty, one element, odd sizes, one and two chunks (512 bytes: 128 floats, 64 doubles) and many. */
    private static final int[] SIZES = {0, 1, 3, 63, 64, 65, 127, 128, 129, 256, 1001, 4099};

    private static ClDevice device;
    private static OpenClBackend staged;

    @BeforeAll
    static void open() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        device = devices.get(ClDevices.defaultIndex(devices));
        staged = new OpenClBackend(device, null, STAGING_BYTES);
    }

    @AfterAll
    static void close() {
        if (staged != null) {
            staged.close();
        }
    }

    @Test
    void floatsIntsAndDoublesOfEverySizeRoundTrip() {
        assertTrue(staged.stagedTransfers());
        Random random = new Random(1);
        for (int size : SIZES) {
            float[] floats = new float[size];
            int[] ints = new int[size];
            double[] doubles = new double[size];
            for (int i = 0; i < size; i++) {
                floats[i] = random.nextFloat();
                ints[i] = random.nextInt();
                doubles[i] = random.nextDouble();
            }
            Buffer f = staged.allocate(DType.F32, size);
            staged.upload(floats, f);
            float[] floatsBack = new float[size];
            staged.download(f, floatsBack);
            assertArrayEquals(floats, floatsBack, "F32[" + size + "]");
            Buffer n = staged.allocate(DType.I32, size);
            staged.upload(ints, n);
            int[] intsBack = new int[size];
            staged.download(n, intsBack);
            assertArrayEquals(ints, intsBack, "I32[" + size + "]");
            staged.free(f);
            staged.free(n);
            if (staged.supports(DType.F64)) {
                Buffer d = staged.allocate(DType.F64, size);
                staged.upload(doubles, d);
                double[] doublesBack = new double[size];
                staged.download(d, doublesBack);
                assertArrayEquals(doubles, doublesBack, "F64[" + size + "]");
                staged.free(d);
            }
        }
    }

    @Test
    void uploadsInARowEachKeepTheirOwnDataWhileTheStagingMemoryIsReused() {
        // Each upload is still in flight when the next one fills the staging memory; an empty download between
        // them waits for nothing.
        List<Buffer> buffers = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            Buffer buffer = staged.allocate(DType.F32, 700);
            staged.upload(constant(700, b), buffer);
            staged.download(buffer, new float[0]);
            buffers.add(buffer);
        }
        for (int b = 0; b < buffers.size(); b++) {
            float[] back = new float[700];
            staged.download(buffers.get(b), back);
            assertArrayEquals(constant(700, b), back, "buffer " + b);
            staged.free(buffers.get(b));
        }
    }

    @Test
    void eachTransferIsCountedOnceWhateverItsChunks() {
        TransferStats before = staged.transfers();
        Buffer x = staged.allocate(DType.F32, 1000);
        staged.upload(constant(1000, 2), x);
        staged.download(x, new float[1000]);
        assertEquals(new TransferStats(1, 4000, 1, 4000), staged.transfers().since(before));
        staged.free(x);
    }

    @Test
    void threadsTakingTheBackendLockRoundTripTheirOwnData() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(threads.submit(() -> {
                    for (int round = 0; round < 25; round++) {
                        int size = 1 + (thread * 97 + round * 131) % 1500;
                        float[] values = constant(size, thread * 100 + round);
                        float[] back = BackendLock.holding(staged, () -> {
                            Buffer x = staged.allocate(DType.F32, size);
                            staged.upload(values, x);
                            float[] out = new float[size];
                            staged.download(x, out);
                            staged.free(x);
                            return out;
                        });
                        assertArrayEquals(values, back, "thread " + thread + ", round " + round);
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theSettingForcesStagingOnOrOffAndAutoStagesOnlyWithoutHostUnifiedMemory() {
        String previous = System.getProperty("kiln.opencl.staging");
        try {
            System.setProperty("kiln.opencl.staging", "on");
            try (OpenClBackend on = new OpenClBackend(device, null)) {
                assertTrue(on.stagedTransfers());
                // Larger than the default staging memory: two chunks and a part.
                int size = 2 * StagingBuffer.DEFAULT_BYTES / Float.BYTES + 12345;
                float[] values = constant(size, 7);
                values[size - 1] = -1;
                Buffer x = on.allocate(DType.F32, size);
                on.upload(values, x);
                float[] back = new float[size];
                on.download(x, back);
                assertArrayEquals(values, back);
            }
            System.setProperty("kiln.opencl.staging", "off");
            try (OpenClBackend off = new OpenClBackend(device, null)) {
                assertFalse(off.stagedTransfers());
            }
            System.setProperty("kiln.opencl.staging", "auto");
            try (OpenClBackend auto = new OpenClBackend(device, null)) {
                assertEquals(!device.unifiedMemory(), auto.stagedTransfers());
            }
            System.setProperty("kiln.opencl.staging", "sometimes");
            KilnException e = assertThrows(KilnException.class, () -> new OpenClBackend(device, null));
            assertTrue(e.getMessage().contains("'sometimes'"), e.getMessage());
        } finally {
            if (previous == null) {
                System.clearProperty("kiln.opencl.staging");
            } else {
                System.setProperty("kiln.opencl.staging", previous);
            }
        }
    }

    private static float[] constant(int size, int seed) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = seed * 10000 + i;
        }
        return values;
    }
}
