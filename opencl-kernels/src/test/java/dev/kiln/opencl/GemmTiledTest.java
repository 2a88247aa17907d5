package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * gemm_tiled, the GPU kernel, at the GPU tuning of the tuning table (tiles of 32, 8 rows per work-item) and at a
 * small test tile, for every transpose, F32 and F64, on shapes that are no multiple of the tile, on the device as
 * it is and as an emulated GPU, against the CPU backend.
 */
class GemmTiledTest {
    /** Odd shapes {m, n, k}; k = 2100 splits into slices at the GPU tuning's depth of 1024. */
    private static final int[][] SHAPES = {{1, 1, 1}, {7, 5, 3}, {33, 31, 65}, {45, 70, 37}, {100, 3, 129},
        {5, 9, 2100}};
    /** Tiles of 8, 2 rows per work-item, slices of 16: many tiles and slices on small shapes. */
    private static final GemmTuning TEST_TILE = new GemmTuning(false, 8, 4, 1, 1, 1, 16, 8, 2, 0);

    private static OpenClBackend plain;
    private static OpenClBackend gpu;
    private static ClDevice gpuDevice;

    @BeforeAll
    static void open() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        ClDevice device = devices.get(ClDevices.defaultIndex(devices));
        plain = OpenClTestSupport.backend();
        gpuDevice = GpuEmulation.of(device);
        gpu = new OpenClBackend(gpuDevice, null);
    }

    @AfterAll
    static void close() {
        if (gpu != null) {
            gpu.close();
        }
    }

    @Test
    void theTableGivesGpusTilesOf32WithEightRowsPerWorkItem() {
        for (DType dtype : List.of(DType.F32, DType.F64)) {
            GemmTuning tuning = gpuTuning(dtype);
            assertFalse(tuning.registerBlocked());
            assertEquals(32, tuning.tile());
            assertEquals(8, tuning.workPerItem());
        }
    }

    @Test
    void gpuTuningOnTheEmulatedGpu() {
        checkAll(gpu, DType.F32, gpuTuning(DType.F32));
    }

    @Test
    void testTileOnTheEmulatedGpu() {
        checkAll(gpu, DType.F32, TEST_TILE);
    }

    @Test
    void gpuTuningOnTheDevice() {
        checkAll(plain, DType.F32, gpuTuning(DType.F32));
        if (plain.supports(DType.F64)) {
            checkAll(plain, DType.F64, gpuTuning(DType.F64));
        }
    }

    @Test
    void testTileOnTheDevice() {
        checkAll(plain, DType.F32, TEST_TILE);
        if (plain.supports(DType.F64)) {
            checkAll(plain, DType.F64, TEST_TILE);
        }
    }

    @Test
    void theEmulatedGpuRunsItsOwnTuningUnchanged() {
        assertEquals(gpuTuning(DType.F32).tile(), gpu.gemmTuning(DType.F32).tile());
        assertTrue(gpu.gemmTuning(DType.F32).depthBlock() > 0);
        check(gpu, DType.F32, 70, 45, 1100, true, false, 1, 0);
    }

    /** The table's GPU row for {@code dtype}, taking every product, however small, to gemm_tiled. */
    private static GemmTuning gpuTuning(DType dtype) {
        GemmTuning t = TuningTable.gemm(gpuDevice, dtype);
        return new GemmTuning(false, t.rows(), t.vectorWidth(), t.vectors(), t.groupRows(), t.groupColumns(),
                t.depthBlock(), t.tile(), t.workPerItem(), 0);
    }

    private static void checkAll(OpenClBackend backend, DType dtype, GemmTuning tuning) {
        GemmTuning chosen = backend.gemmTuning(dtype);
        try {
            backend.overrideGemmTuning(dtype, tuning);
            for (int[] shape : SHAPES) {
                for (int flags = 0; flags < 4; flags++) {
                    check(backend, dtype, shape[0], shape[1], shape[2], (flags & 1) != 0, (flags & 2) != 0,
                            flags == 3 ? -0.5 : 1.5, flags % 2 * 0.25);
                }
            }
        } finally {
            backend.overrideGemmTuning(dtype, chosen);
        }
    }

    private static void check(OpenClBackend backend, DType dtype, int m, int n, int k, boolean ta, boolean tb,
                              double alpha, double beta) {
        Random random = new Random(31L * m + 7L * n + k);
        double[] a = randoms(random, m * k);
        double[] b = randoms(random, k * n);
        double[] c = randoms(random, m * n);
        double[] expected = gemm(OpenClTestSupport.reference(), dtype, m, n, k, ta, tb, alpha, a, b, beta, c);
        double[] actual = gemm(backend, dtype, m, n, k, ta, tb, alpha, a, b, beta, c);
        // F32 sums k products each rounded once; the bound grows with k as in GemmTest.
        double tolerance = dtype == DType.F64 ? 1e-12 : 1e-5;
        for (int q = 0; q < m * n; q++) {
            int at = q;
            assertEquals(expected[q], actual[q], tolerance * (k + Math.abs(expected[q])),
                    () -> dtype + " gemm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " at " + at
                            + " on " + backend.device().name() + ", tuning " + backend.gemmTuning(dtype));
        }
    }

    private static double[] gemm(Backend backend, DType dtype, int m, int n, int k, boolean ta, boolean tb,
                                 double alpha, double[] a, double[] b, double beta, double[] c) {
        Buffer ab = upload(backend, dtype, a);
        Buffer bb = upload(backend, dtype, b);
        Buffer cb = upload(backend, dtype, c);
        backend.gemm(ta, tb, m, n, k, alpha, ab, bb, beta, cb);
        double[] result = download(backend, dtype, cb);
        backend.free(ab);
        backend.free(bb);
        backend.free(cb);
        return result;
    }

    private static Buffer upload(Backend backend, DType dtype, double[] values) {
        Buffer buffer = backend.allocate(dtype, values.length);
        if (dtype == DType.F64) {
            backend.upload(values, buffer);
        } else {
            float[] floats = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                floats[i] = (float) values[i];
            }
            backend.upload(floats, buffer);
        }
        return buffer;
    }

    private static double[] download(Backend backend, DType dtype, Buffer buffer) {
        double[] values = new double[(int) buffer.length()];
        if (dtype == DType.F64) {
            backend.download(buffer, values);
        } else {
            float[] floats = new float[values.length];
            backend.download(buffer, floats);
            for (int i = 0; i < values.length; i++) {
                values[i] = floats[i];
            }
        }
        return values;
    }

    private static double[] randoms(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextDouble() * 2 - 1;
        }
        return values;
    }
}
