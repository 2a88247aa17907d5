package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.backend.DType;
import dev.kiln.backend.ReduceOp;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The row kernels against the CPU backend in every layout (a work-item per row, a row per vector lane, a work-group
 * per row) and on an emulated GPU, on rows of one element, odd lengths, rows longer than a work-group, row counts
 * that are and are not multiples of the vector width, and single long vectors (the reductions' two passes).
 */
class RowKernelsTest {
    private static final int[][] SOFTMAX_SHAPES = {{1, 1}, {5, 1}, {3, 7}, {2, 63}, {4, 64}, {3, 257}, {65, 300},
        {2, 5001}, {1, 100_003}, {128, 10}, {100, 10}, {33, 17}};
    private static final int[][] ROW_SHAPES = {{1, 256}, {1, 4099}, {1, 100_003}, {1, (1 << 17) + 1}, {2, 50_001},
        {7, 3001}, {300, 257}};
    private static OpenClBackend gpu;

    private final Random random = new Random(7);

    @BeforeAll
    static void openEmulatedGpu() {
        List<ClDevice> devices = OpenClTestSupport.devices();
        gpu = new OpenClBackend(GpuEmulation.of(devices.get(ClDevices.defaultIndex(devices))), null);
    }

    @AfterAll
    static void close() {
        OpenClTestSupport.backend().rowwise().forceLayout(null);
        if (gpu != null) {
            gpu.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"F32, ITEM", "F32, LANES", "F32, GROUP", "F64, ITEM", "F64, LANES", "F64, GROUP"})
    void softmaxRowsInEveryLayout(DType dtype, OpenClSoftmax.Layout layout) {
        OpenClBackend backend = OpenClTestSupport.backend();
        assumeTrue(backend.supports(dtype), backend.device().name() + " has no " + dtype);
        backend.rowwise().forceLayout(layout);
        try {
            checkSoftmax(backend, dtype);
        } finally {
            backend.rowwise().forceLayout(null);
        }
    }

    @Test
    void aCpuDeviceLaysRowsInVectorLanesFromAVectorOfRows() {
        OpenClBackend backend = OpenClTestSupport.backend();
        OpenClSoftmax rowwise = backend.rowwise();
        int lanes = backend.lanes(DType.F32);
        assumeTrue(backend.device().type().equals("cpu"), "the default device is not a CPU device");
        assertEquals(OpenClSoftmax.Layout.LANES, rowwise.layout(lanes, 32_768, DType.F32));
        assertEquals(OpenClSoftmax.Layout.ITEM, rowwise.layout(lanes - 1, 10, DType.F32));
        assertEquals(OpenClSoftmax.Layout.ITEM, gpu.rowwise().layout(128, 10, DType.F32));
        assertEquals(OpenClSoftmax.Layout.GROUP, gpu.rowwise().layout(4, OpenClSoftmax.GROUP_FROM, DType.F32));
    }

    @Test
    void softmaxRowsOnAnEmulatedGpu() {
        checkSoftmax(gpu, DType.F32);
    }

    @ParameterizedTest
    @CsvSource({"F32", "F64"})
    void longRowReductions(DType dtype) {
        OpenClBackend backend = OpenClTestSupport.backend();
        assumeTrue(backend.supports(dtype), backend.device().name() + " has no " + dtype);
        checkReductions(backend, dtype);
    }

    @Test
    void longRowReductionsOnAnEmulatedGpu() {
        checkReductions(gpu, DType.F32);
    }

    @Test
    void aSingleLongVectorIsSplitIntoPartsAndFewRowsAreNot() {
        OpenClReduce reduce = new OpenClReduce(gpu);
        int computeUnits = Math.max(1, gpu.device().computeUnits());
        assertEquals(Math.min(4 * computeUnits, 100_000 / (8 * OpenClReduce.ROW_GROUP)),
                reduce.parts(1, 100_000, OpenClReduce.ROW_GROUP));
        assertEquals(1, reduce.parts(1, 300, OpenClReduce.ROW_GROUP), "a row too short to split");
        assertEquals(1, reduce.parts(4 * computeUnits, 100_000, OpenClReduce.ROW_GROUP),
                "rows enough to keep the device busy");
    }

    private void checkSoftmax(OpenClBackend backend, DType dtype) {
        Parity parity = new Parity(backend, OpenClTestSupport.reference());
        double atol = dtype == DType.F64 ? 1e-12 : 1e-6;
        double rtol = dtype == DType.F64 ? 1e-10 : 1e-4;
        for (int[] s : SOFTMAX_SHAPES) {
            int rows = s[0];
            int cols = s[1];
            int n = rows * cols;
            String shape = rows + "x" + cols + " on " + backend.device().name();
            double[] x = Parity.uniform(random, n, -5, 5);
            double[] g = Parity.uniform(random, n, -1, 1);
            for (boolean log : new boolean[] {false, true}) {
                String name = (log ? "log_softmax " : "softmax ") + shape;
                parity.check(name, dtype, atol, rtol, new double[][] {x}, new long[] {n},
                        (be, buf) -> be.softmax(log, rows, cols, buf[0], buf[1]));
                double[] y = Parity.run(OpenClTestSupport.reference(), dtype, new double[][] {x}, new long[] {n},
                        (be, buf) -> be.softmax(log, rows, cols, buf[0], buf[1]))[1];
                parity.check(name + " backward", dtype, 10 * atol, rtol, new double[][] {y, g}, new long[] {n},
                        (be, buf) -> be.softmaxBackward(log, rows, cols, buf[0], buf[1], buf[2]));
            }
            double[] targets = new double[n];
            for (int r = 0; r < rows; r++) {
                targets[r * cols + random.nextInt(cols)] = r % 2 == 0 ? 1 : 0.5;
            }
            parity.check("softmaxCrossEntropy " + shape, dtype, 10 * atol, rtol, new double[][] {x, targets},
                    new long[] {n, rows}, (be, buf) -> be.softmaxCrossEntropy(rows, cols, buf[0], buf[1], buf[2],
                            buf[3]));
            double[] probabilities = Parity.run(OpenClTestSupport.reference(), dtype, new double[][] {x, targets},
                    new long[] {n, rows}, (be, buf) -> be.softmaxCrossEntropy(rows, cols, buf[0], buf[1], buf[2],
                            buf[3]))[2];
            double[] gradLosses = Parity.uniform(random, rows, -1, 1);
            parity.check("softmaxCrossEntropyBackward " + shape, dtype, 10 * atol, rtol,
                    new double[][] {probabilities, targets, gradLosses}, new long[] {n},
                    (be, buf) -> be.softmaxCrossEntropyBackward(rows, cols, 1, buf[0], buf[1], buf[2], buf[3]));
        }
    }

    private void checkReductions(OpenClBackend backend, DType dtype) {
        Parity parity = new Parity(backend, OpenClTestSupport.reference());
        for (ReduceOp op : ReduceOp.values()) {
            for (int[] s : ROW_SHAPES) {
                int rows = s[0];
                int middle = s[1];
                int n = rows * middle;
                double[] x = op == ReduceOp.ARGMAX ? Parity.levels(random, n, 50) : Parity.uniform(random, n, -2, 2);
                // Sums of uniform values grow like sqrt(middle); F32 partial sums round at each level.
                double atol = dtype == DType.F64 ? 1e-10 : 4e-6 * Math.sqrt(middle);
                parity.check(op + " " + rows + "x" + middle + " on " + backend.device().name(), dtype, atol,
                        dtype == DType.F64 ? 1e-10 : 1e-4, new double[][] {x}, new long[] {rows},
                        (be, buf) -> be.reduce(op, rows, middle, 1, buf[0], buf[1]));
            }
        }
    }
}
