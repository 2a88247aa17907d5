package dev.kiln.opencl;

import dev.kiln.backend.DType;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.UnaryOp;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Launches the row-wise kernels of softmax.cl in one of three {@link Layout}s: on a GPU, rows of at least
 * {@link #GROUP_FROM} columns by one work-group each (the _group kernels, reduced in local memory), so that a few long
 * rows still fill the device, shorter rows one per work-item; on a CPU device, VW rows per work-item, one per vector
 * lane, from VW rows on (on PoCL 2-3.5x faster than a work-item per row, even 16 rows of 32,768 in one work-item),
 * fewer rows one per work-item (BENCHMARKS.md).
 */
final class OpenClSoftmax {
    /** How the row kernels lay rows onto work-items. */
    enum Layout {
        /** One work-item per row. */
        ITEM,
        /** VW rows per work-item, one per vector lane (the _vector kernels). */
        LANES,
        /** One work-group per row (the _group kernels). */
        GROUP
    }

    /** Columns from which a GPU gives each row a work-group. */
    static final int GROUP_FROM = 64;
    /** Most work-items of a row's work-group. */
    static final int MOST_GROUP = 256;
    /**
     * Rows up to which a cross-entropy total takes one work-group and one launch: on PoCL, whose work-group runs on
     * one thread, 32 rows of 10 took 11-21 us so against 14-32 for the row kernel and a reduction, 64 rows about the
     * same, 96 and 128 rows 7-9 us more.
     */
    static final int TOTAL_ROWS_IN_ONE_GROUP = 64;
    /** Columns up to which a cross-entropy total takes one work-group. */
    static final int TOTAL_COLUMNS_IN_ONE_GROUP = 1024;

    private final OpenClBackend backend;
    private Layout forced;

    OpenClSoftmax(OpenClBackend backend) {
        this.backend = backend;
    }

    /** Forces every row kernel into {@code layout}; null restores the automatic choice. */
    void forceLayout(Layout layout) {
        forced = layout;
    }

    /** The layout of rows x cols: the forced one, or the device's choice for the shape. */
    Layout layout(int rows, int cols, DType dtype) {
        if (forced != null) {
            return forced;
        }
        String type = backend.device().type();
        if (type.equals("gpu")) {
            return cols >= GROUP_FROM ? Layout.GROUP : Layout.ITEM;
        }
        return type.equals("cpu") && rows >= backend.lanes(dtype) ? Layout.LANES : Layout.ITEM;
    }

    /**
     * softmax_cross_entropy with its losses summed into total[0], times scale: a small batch in one work-group of
     * softmax_cross_entropy_total (one launch, where a launch costs more than such a loss), a larger one as the row
     * kernel and a reduction.
     */
    void total(int rows, int cols, double scale, ClBuffer logits, ClBuffer targets, ClBuffer probabilities,
               ClBuffer total) {
        DType dtype = logits.dtype();
        if (rows <= TOTAL_ROWS_IN_ONE_GROUP && cols <= TOTAL_COLUMNS_IN_ONE_GROUP) {
            KernelLaunch launch = backend.launch(dtype, KernelFamily.SOFTMAX, "softmax_cross_entropy_total",
                    () -> rows + "x" + cols).integer(rows).integer(cols).buffer(logits).buffer(targets)
                    .buffer(probabilities).buffer(total).real(scale);
            int local = launch.groupSize(Math.min(MOST_GROUP, Integer.highestOneBit(Math.max(1, rows - 1)) * 2));
            launch.local((long) local * dtype.bytes()).runGroups(backend.queue(), new long[] {local},
                    new long[] {local});
            return;
        }
        // A mean or a plain sum is one reduction; another scale multiplies the sum.
        ReduceOp direct = scale == 1 ? ReduceOp.SUM : scale == 1.0 / rows ? ReduceOp.MEAN : null;
        ClBuffer losses = backend.scratch(dtype, rows);
        ClBuffer sum = direct != null ? total : backend.scratch(dtype, 1);
        try {
            run("softmax_cross_entropy", rows, cols, logits, targets, probabilities, losses);
            backend.reduce(direct != null ? direct : ReduceOp.SUM, 1, rows, 1, losses, sum);
            if (sum != total) {
                backend.unary(UnaryOp.AFFINE, scale, 0, sum, total);
            }
        } finally {
            backend.free(losses);
            if (sum != total) {
                backend.free(sum);
            }
        }
    }

    /** Runs {@code kernel} over rows x cols: its arguments are rows, cols, then those {@code buffers} hold. */
    void run(String kernel, int rows, int cols, ClBuffer... buffers) {
        run(kernel, rows, cols, launch -> { }, buffers);
    }

    /** {@link #run}, with the arguments that {@code scalars} sets after the buffers. */
    void run(String kernel, int rows, int cols, Consumer<KernelLaunch> scalars, ClBuffer... buffers) {
        DType dtype = buffers[0].dtype();
        Supplier<String> shapes = () -> rows + "x" + cols;
        Layout layout = layout(rows, cols, dtype);
        String name = switch (layout) {
            case ITEM -> kernel;
            case LANES -> kernel + "_vector";
            case GROUP -> kernel + "_group";
        };
        KernelLaunch launch = backend.launch(dtype, KernelFamily.SOFTMAX, name, shapes).integer(rows).integer(cols);
        for (ClBuffer buffer : buffers) {
            launch.buffer(buffer);
        }
        scalars.accept(launch);
        switch (layout) {
            case ITEM -> launch.run(backend.queue(), rows);
            case LANES -> {
                // PoCL runs a work-group on one thread: groups small enough that each compute unit gets blocks.
                long blocks = backend.vectors(dtype, rows);
                long perUnit = blocks / Math.max(1, backend.device().computeUnits());
                long local = Math.min(KernelLaunch.GROUP, Long.highestOneBit(Math.max(1, perUnit)));
                launch.runFitted(backend.queue(), new long[] {blocks}, new long[] {local});
            }
            case GROUP -> {
                int local = launch.groupSize(Math.min(MOST_GROUP, Integer.highestOneBit(Math.max(1, cols - 1)) * 2));
                launch.local((long) local * dtype.bytes()).runGroupStride(backend.queue(), rows, local);
            }
        }
    }
}
