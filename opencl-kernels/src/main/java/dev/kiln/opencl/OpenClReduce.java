package dev.kiln.opencl;

import dev.kiln.backend.DType;
import dev.kiln.backend.ReduceOp;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Launches the reductions of reduce.cl on checked buffers: reduce_&lt;op&gt;_rows for long rows (inner == 1), in two
 * passes when there are too few rows to keep the device busy (a work-group per part of a row, then one combining
 * the parts in order: a full reduction of one vector runs on many work-groups, not one); two passes for a middle
 * axis of several chunks whose inner size the vector width divides (reduce_&lt;op&gt;_chunks combines fixed chunks
 * of rows in parallel, then reduce_&lt;op&gt; combines the chunks in order, so a column sum of [86528, 32] is not
 * left to 32 work-items); otherwise reduce_&lt;op&gt;, one work-item per output.
 */
final class OpenClReduce {
    /** Work-group size of the row-reduction kernels. */
    static final int ROW_GROUP = 64;
    /** Rows at least this long are reduced by a work-group each rather than by one work-item. */
    private static final int ROW_KERNEL_FROM = 256;
    /**
     * Rows of the middle axis per chunk of the first pass. On PoCL, a column sum of [86528, 32] took 0.24-0.47 ms
     * in chunks of 256 or 1024 rows and 0.34-0.57 ms in chunks of 64, against 2.6-3.0 ms in one pass.
     */
    private static final int CHUNK = 256;
    /** Work-groups per compute unit that the parts of few long rows aim for. */
    private static final int GROUPS_PER_COMPUTE_UNIT = 4;
    /** Fewest elements per work-item in a part of a row. */
    private static final int PART_PER_ITEM = 8;

    private static final Map<ReduceOp, String> PER_OUTPUT = KernelNames.of("reduce_", ReduceOp.class, "");
    private static final Map<ReduceOp, String> ROWS = KernelNames.of("reduce_", ReduceOp.class, "_rows");
    private static final Map<ReduceOp, String> CHUNKS = KernelNames.of("reduce_", ReduceOp.class, "_chunks");

    private final OpenClBackend backend;

    OpenClReduce(OpenClBackend backend) {
        this.backend = backend;
    }

    void reduce(ReduceOp op, int outer, int middle, int inner, ClBuffer x, ClBuffer out) {
        DType dtype = x.dtype();
        Supplier<String> shapes = () -> "outer=" + outer + ", middle=" + middle + ", inner=" + inner;
        int lanes = backend.lanes(dtype);
        int chunks = (middle + CHUNK - 1) / CHUNK;
        long firstPass = (long) outer * chunks * (inner / lanes);
        if (inner == 1 && middle >= ROW_KERNEL_FROM && op == ReduceOp.ARGMAX) {
            backend.launch(dtype, KernelFamily.REDUCE, ROWS.get(op), shapes)
                    .integer(outer).integer(middle).buffer(x).buffer(out)
                    .runGroupStride(backend.queue(), outer, backend.rowGroup(dtype));
        } else if (inner == 1 && middle >= ROW_KERNEL_FROM) {
            rows(ROWS.get(op), outer, middle, x, out, shapes);
        } else if (op != ReduceOp.ARGMAX && chunks > 1 && inner % lanes == 0 && firstPass <= Integer.MAX_VALUE) {
            ClBuffer partial = backend.scratch(dtype, (long) outer * chunks * inner);
            try {
                backend.launch(dtype, KernelFamily.REDUCE, CHUNKS.get(op), shapes)
                        .unsignedLong(firstPass).integer(middle).integer(inner).integer(CHUNK).integer(chunks)
                        .divisor(inner / lanes).divisor(chunks).buffer(x).buffer(partial)
                        .run(backend.queue(), firstPass);
                perOutput(op, outer, chunks, inner, middle, partial, out, shapes);
            } finally {
                backend.free(partial);
            }
        } else {
            perOutput(op, outer, middle, inner, middle, x, out, shapes);
        }
    }

    /** reduce_&lt;op&gt;_rows over x [rows, middle]: one pass, or two when the rows are split into parts. */
    private void rows(String kernel, int rows, int middle, ClBuffer x, ClBuffer out, Supplier<String> shapes) {
        int parts = parts(rows, middle, backend.rowGroup(x.dtype()));
        if (parts == 1) {
            rowPass(kernel, rows, middle, 1, middle, middle, x, out, shapes);
            return;
        }
        int part = (middle + parts - 1) / parts;
        int whole = (middle + part - 1) / part;
        ClBuffer partial = backend.scratch(x.dtype(), (long) rows * whole);
        try {
            rowPass(kernel, rows, middle, whole, part, 1, x, partial, shapes);
            rowPass(kernel, rows, whole, 1, whole, middle, partial, out, shapes);
        } finally {
            backend.free(partial);
        }
    }

    /** Parts per row: enough work-groups for the device when rows alone are too few, each part still long. */
    int parts(int rows, int middle, int rowGroup) {
        long wanted = (long) GROUPS_PER_COMPUTE_UNIT * Math.max(1, backend.device().computeUnits());
        long parts = Math.min((wanted + rows - 1) / rows, middle / (rowGroup * PART_PER_ITEM));
        return (int) Math.max(1, parts);
    }

    private void rowPass(String kernel, int rows, int middle, int parts, int part, int count, ClBuffer x,
                         ClBuffer out, Supplier<String> shapes) {
        backend.launch(x.dtype(), KernelFamily.REDUCE, kernel, shapes)
                .integer(rows).integer(middle).integer(parts).integer(part).integer(count).buffer(x).buffer(out)
                .runGroupStride(backend.queue(), (long) rows * parts, backend.rowGroup(x.dtype()));
    }

    /** reduce_&lt;op&gt; over x [outer, middle, inner], a mean dividing by {@code count}. */
    private void perOutput(ReduceOp op, int outer, int middle, int inner, int count, ClBuffer x,
                           ClBuffer out, Supplier<String> shapes) {
        long n = (long) outer * inner;
        KernelLaunch launch = backend.launch(x.dtype(), KernelFamily.REDUCE, PER_OUTPUT.get(op), shapes)
                .unsignedLong(n).integer(middle).integer(inner);
        if (op != ReduceOp.ARGMAX) {
            launch.integer(count);
        }
        launch.buffer(x).buffer(out).run(backend.queue(), n);
    }
}
