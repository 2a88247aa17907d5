package dev.kiln.cpu;

import static dev.kiln.cpu.HostData.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code histogram} on hand-written arrays: both ends of the range, bin edges, values outside and NaN. */
class CpuHistogramTest {
    private final CpuBackend backend = new CpuBackend();
    private final long buffersBefore = backend.liveBuffers();

    @AfterEach
    void close() {
        assertEquals(buffersBefore, backend.liveBuffers(), "leaked buffers");
        backend.close();
    }

    private int[] histogram(Buffer x, double low, double high, int bins) {
        Buffer counts = backend.allocate(DType.I32, bins);
        backend.fill(counts, 99);
        backend.histogram(x, low, high, bins, counts);
        int[] host = new int[bins];
        backend.download(counts, host);
        backend.free(counts);
        backend.free(x);
        return host;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void edgesLandInTheBinTheyOpenAndHighInTheLast(DType dtype) {
        Buffer x = put(backend, dtype, -1, -0.5, 0, 0.25, 0.5, 0.999, 1, 1, -1.0001, 1.0001, Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        assertArrayEquals(new int[] {1, 1, 2, 4}, histogram(x, -1, 1, 4));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void oneBinCountsEveryValueInTheRange(DType dtype) {
        Buffer x = put(backend, dtype, 2, 3, 4, 5, 1.5, Double.NaN);
        assertArrayEquals(new int[] {3}, histogram(x, 2, 4, 1));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void anEmptyBufferCountsNothing(DType dtype) {
        assertArrayEquals(new int[3], histogram(backend.allocate(dtype, 0), 0, 1, 3));
    }
}
