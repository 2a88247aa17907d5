package dev.kiln.opencl;

import dev.kiln.backend.Activation;
import dev.kiln.backend.DType;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and launches the gemm kernels: gemm_general for small products, otherwise gemm_register (CPU-class
 * devices) or gemm_tiled (GPUs) over the k slices of a {@link GemmSplit}. gemm_register reads each operand in
 * place when few blocks of c walk it, and from zero-padded panels packed by gemm_pack otherwise; a b read in place
 * whose rows end inside a block, or a small transposed b, goes to gemm_register_gathered, or to gemm_register_narrow
 * when c is at most one vector wide. Each kernel that stores c can end with an {@link Epilogue}: a dense layer's bias
 * and activation, applied where the finished sum is stored.
 */
final class OpenClGemm {
    private static final Logger LOG = LoggerFactory.getLogger(OpenClGemm.class);
    private final OpenClBackend backend;
    private final AtomicBoolean tiledRefused = new AtomicBoolean();

    OpenClGemm(OpenClBackend backend) {
        this.backend = backend;
    }

    /** One launch of a slicing kernel: {@code slices} slices of k into {@code target}, slice s at s * cSlice. */
    @FunctionalInterface
    private interface SliceLaunch {
        void run(int slices, double alpha, double beta, ClBuffer target, long cSlice, Epilogue epilogue);
    }

    /**
     * What a gemm kernel does to each value it stores: adds bias[column] (when the bias is not null), then applies
     * the activation with its alpha.
     */
    record Epilogue(ClBuffer bias, Activation activation, double alpha) {
        /** The plain product: no bias, the identity. */
        static final Epilogue NONE = new Epilogue(null, Activation.IDENTITY, 0);

        /** Appends the kernel's epilogue arguments; without a bias, {@code c} only fills the bias argument. */
        KernelLaunch arguments(KernelLaunch launch, ClBuffer c) {
            return launch.buffer(bias == null ? c : bias).integer(bias == null ? 0 : 1).integer(activation.ordinal())
                    .real(alpha);
        }
    }

    /**
     * Column blocks of c up to which gemm_register reads op(a) in place: each part of a is then walked by few
     * work-items and packing costs more than it saves (TN 9x32x86528 on PoCL: 0.7 ms in place, 1.5 ms packed);
     * beyond, the panels' contiguous reads win (TN 1024^3 ran about 15% faster packed).
     */
    private static final int A_IN_PLACE_UP_TO = 16;
    /**
     * Row blocks of c up to which gemm_register reads op(b) in place: a row of b gives a block whole cache lines per
     * step of k, so this holds further than for a (TN 288x64x15488: 15% faster in place), but rows 4 KiB apart
     * thrash the caches when many blocks walk them (1024^3 ran 1.6x faster packed).
     */
    private static final int B_IN_PLACE_UP_TO = 64;
    /**
     * Row blocks up to which gemm_register also reads a small op(b) in place (at most {@link #SMALL_B_BYTES}, which
     * stays in L2 however many blocks walk it): the MLP's TN 784x128x128 (98 blocks of 8 rows, 131 of 6) ran about a
     * fifth faster so, and a launch fewer; NN 15488x64x288 (1936 blocks, b of 72 KiB) ran about a tenth slower, hence
     * the bound.
     */
    private static final int SMALL_B_IN_PLACE_UP_TO = 192;
    private static final long SMALL_B_BYTES = 256 * 1024;
    /**
     * Multiply-adds up to which gemm_register_gathered reads a transposed op(b) in place, gathering every lane, rather
     * than packing it: the gemm_pack launch saved is most of such a product's time (the MLP's input gradient of the
     * output layer, NT 32x128x10 and NT 128x128x10).
     */
    private static final long GATHERED_B_UP_TO = 1L << 18;

    /**
     * Where gemm_register finds op(a)[block * MR + r, p]: at buffer[block * block + p * step + min(r, rows - 1 -
     * block * MR) * row]. Rows past the edge repeat the last one; their results are never stored.
     */
    private record PanelsOfA(ClBuffer buffer, long block, int step, int row, int rows) {
    }

    /**
     * Where gemm_register finds op(b)[p, block * NR + c]: at buffer[block * block + p * step + c * column], for the
     * columns below {@code columns} (zero past them).
     */
    private record PanelsOfB(ClBuffer buffer, long block, int step, int column, int columns) {
    }

    void run(GemmTuning tuning, boolean transposeA, boolean transposeB, int m, int n, int k,
             double alpha, ClBuffer a, ClBuffer b, double beta, ClBuffer c, Epilogue epilogue) {
        DType dtype = c.dtype();
        Supplier<String> shapes = () -> "m=" + m + ", n=" + n + ", k=" + k + ", transposeA=" + transposeA
                + ", transposeB=" + transposeB + ", " + dtype;
        if (k == 0 || (long) m * n * k < tuning.generalBelow() || !tiledFits(tuning, dtype)) {
            epilogue.arguments(backend.launch(dtype, KernelFamily.GEMM, "gemm_general", shapes)
                    .integer(m).integer(n).integer(k).integer(flag(transposeA)).integer(flag(transposeB))
                    .real(alpha).buffer(a).buffer(b).real(beta).buffer(c), c)
                    .run2d(backend.queue(), n, m, 8, 8);
            return;
        }
        if (!tuning.registerBlocked()) {
            GemmSplit split = GemmSplit.of(tuning, m, n, k, tuning.tile());
            int tile = tuning.tile();
            long[] local = {tile, tile / tuning.workPerItem(), 1};
            slices(split, m, n, alpha, beta, c, epilogue, shapes,
                    (slices, sliceAlpha, sliceBeta, target, cSlice, sliceEpilogue) -> sliceEpilogue.arguments(
                            backend.launch(dtype, KernelFamily.GEMM, "gemm_tiled", shapes)
                            .integer(m).integer(n).integer(k).integer(split.depth())
                            .integer(flag(transposeA)).integer(flag(transposeB))
                            .real(sliceAlpha).buffer(a).buffer(b).real(sliceBeta).buffer(target).unsignedLong(cSlice),
                            target).runGroups(backend.queue(), new long[] {KernelLaunch.roundUp(n, tile),
                                KernelLaunch.roundUp(m, tile) / tuning.workPerItem(), slices}, local));
            return;
        }
        registerBlocked(tuning, transposeA, transposeB, m, n, k, alpha, a, b, beta, c, epilogue, shapes);
    }

    /**
     * Whether the device allows gemm_tiled the work-group its tuning declares; when not, products run on gemm_general,
     * whose work-group adapts, and a warning names the tuning once.
     */
    private boolean tiledFits(GemmTuning tuning, DType dtype) {
        if (tuning.registerBlocked()) {
            return true;
        }
        long group = tiledGroup(tuning);
        long limit = backend.workGroupLimit(dtype, KernelFamily.GEMM, "gemm_tiled");
        if (group <= limit) {
            return true;
        }
        if (tiledRefused.compareAndSet(false, true)) {
            LOG.warn("gemm_tiled at tile {} with {} rows per work-item needs {} work-items per group and {} allows {}:"
                    + " products run on gemm_general; 'kiln tune' finds a tuning that fits", tuning.tile(),
                    tuning.workPerItem(), group, backend.device().name(), limit);
        }
        return false;
    }

    /** Work-items in a work-group of gemm_tiled under {@code tuning}. */
    static long tiledGroup(GemmTuning tuning) {
        return (long) tuning.tile() * (tuning.tile() / tuning.workPerItem());
    }

    private void registerBlocked(GemmTuning tuning, boolean transposeA, boolean transposeB, int m, int n, int k,
                                 double alpha, ClBuffer a, ClBuffer b, double beta, ClBuffer c, Epilogue epilogue,
                                 Supplier<String> shapes) {
        DType dtype = c.dtype();
        int rows = tuning.rows();
        int columns = tuning.columns();
        long rowBlocks = (m + rows - 1) / rows;
        long columnBlocks = (n + columns - 1) / columns;
        boolean aInPlace = columnBlocks <= A_IN_PLACE_UP_TO;
        boolean rowsInPlace = !transposeB && (rowBlocks <= B_IN_PLACE_UP_TO
                || rowBlocks <= SMALL_B_IN_PLACE_UP_TO && (long) k * n * dtype.bytes() <= SMALL_B_BYTES);
        // gemm_register's vector loads need every block inside b's rows; the gathering kernel takes the rest.
        boolean gathered = rowsInPlace ? n % columns != 0 : transposeB && (long) m * n * k <= GATHERED_B_UP_TO;
        // A c no wider than one vector (a classifier's 10 outputs) wastes the other vectors of a block.
        String kernel = !gathered ? "gemm_register"
                : n <= tuning.vectorWidth() ? "gemm_register_narrow" : "gemm_register_gathered";
        boolean bInPlace = rowsInPlace || gathered;
        ClBuffer packedA = aInPlace ? null : backend.scratch(dtype, rowBlocks * rows * k);
        ClBuffer packedB = bInPlace ? null : backend.scratch(dtype, columnBlocks * columns * k);
        try {
            if (!aInPlace || !bInPlace) {
                long aBlocks = aInPlace ? 0 : rowBlocks;
                long bBlocks = bInPlace ? 0 : columnBlocks;
                backend.launch(dtype, KernelFamily.GEMM, "gemm_pack", shapes)
                        .integer(m).integer(n).integer(k).integer(flag(transposeA)).integer(flag(transposeB))
                        .integer((int) aBlocks).integer((int) bBlocks).buffer(a).buffer(b)
                        // An operand read in place has no panels; its own buffer only fills the argument.
                        .buffer(aInPlace ? a : packedA).buffer(bInPlace ? b : packedB)
                        .runFitted(backend.queue(), new long[] {(aBlocks + bBlocks)
                                * ((k + tuning.vectorWidth() - 1) / tuning.vectorWidth())}, new long[] {16});
            }
            PanelsOfA aPanels;
            if (!aInPlace) {
                aPanels = new PanelsOfA(packedA, (long) k * rows, rows, 1, (int) rowBlocks * rows);
            } else if (transposeA) {
                aPanels = new PanelsOfA(a, rows, m, 1, m);
            } else {
                aPanels = new PanelsOfA(a, (long) rows * k, 1, k, m);
            }
            PanelsOfB bPanels;
            if (!bInPlace) {
                bPanels = new PanelsOfB(packedB, (long) k * columns, columns, 1, (int) columnBlocks * columns);
            } else if (transposeB) {
                bPanels = new PanelsOfB(b, (long) columns * k, 1, k, n);
            } else {
                bPanels = new PanelsOfB(b, columns, n, 1, n);
            }
            GemmSplit split = GemmSplit.of(tuning, m, n, k, 1);
            slices(split, m, n, alpha, beta, c, epilogue, shapes,
                    (slices, sliceAlpha, sliceBeta, target, cSlice, sliceEpilogue) -> {
                long[] local = groupShape(tuning, rowBlocks, columnBlocks, slices);
                sliceEpilogue.arguments(backend.launch(dtype, KernelFamily.GEMM, kernel, shapes)
                        .integer(m).integer(n).integer(k).integer(split.depth()).real(sliceAlpha)
                        .buffer(aPanels.buffer()).unsignedLong(aPanels.block()).integer(aPanels.step())
                        .integer(aPanels.row()).integer(aPanels.rows())
                        .buffer(bPanels.buffer()).unsignedLong(bPanels.block()).integer(bPanels.step())
                        .integer(bPanels.column()).integer(bPanels.columns()).real(sliceBeta).buffer(target)
                        .unsignedLong(cSlice), target)
                        .runFitted(backend.queue(), new long[] {rowBlocks, columnBlocks, slices}, local);
            });
        } finally {
            if (packedA != null) {
                backend.free(packedA);
            }
            if (packedB != null) {
                backend.free(packedB);
            }
        }
    }

    /**
     * Runs the slices of {@code split}: all in one launch into partial products added by gemm_sum_slices (which ends
     * with the epilogue), or one launch over the whole of k.
     */
    private void slices(GemmSplit split, int m, int n, double alpha, double beta, ClBuffer c, Epilogue epilogue,
                        Supplier<String> shapes, SliceLaunch launch) {
        long mn = (long) m * n;
        if (split.partials()) {
            ClBuffer partial = backend.scratch(c.dtype(), split.slices() * mn);
            try {
                launch.run(split.slices(), 1, 0, partial, mn, Epilogue.NONE);
                epilogue.arguments(backend.launch(c.dtype(), KernelFamily.GEMM, "gemm_sum_slices", shapes)
                        .unsignedLong(mn).integer(n).integer(split.slices()).unsignedLong(mn).real(alpha)
                        .buffer(partial).real(beta).buffer(c), c).run(backend.queue(), mn);
            } finally {
                backend.free(partial);
            }
        } else {
            launch.run(1, alpha, beta, c, 0, epilogue);
        }
    }

    /**
     * Work-group of groupRows x groupColumns blocks of one slice, halved (rows first) until there are enough
     * work-groups to keep every compute unit busy.
     */
    private long[] groupShape(GemmTuning tuning, long rowBlocks, long columnBlocks, int slices) {
        long wanted = 4L * backend.device().computeUnits();
        long rows = Math.min(tuning.groupRows(), rowBlocks);
        long columns = Math.min(tuning.groupColumns(), columnBlocks);
        while (groups(rowBlocks, rows) * groups(columnBlocks, columns) * slices < wanted && (rows > 1 || columns > 1)) {
            if (rows > 1) {
                rows = (rows + 1) / 2;
            } else {
                columns = (columns + 1) / 2;
            }
        }
        return new long[] {rows, columns, 1};
    }

    private static long groups(long blocks, long perGroup) {
        return (blocks + perGroup - 1) / perGroup;
    }

    private static int flag(boolean value) {
        return value ? 1 : 0;
    }
}
