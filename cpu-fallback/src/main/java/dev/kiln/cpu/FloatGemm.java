package dev.kiln.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * F32 matrix multiply c = alpha * op(a) * op(b) + beta * c on row-major arrays, cut into units of work by a
 * {@link GemmPlan} (which may compute c^T instead, and may cut k into parts). Each unit packs its block of the plan's
 * right operand into separate row arrays as wide as the block, unless its kernel reads the operand itself
 * ({@link GemmRows#readsPanel}), and accumulates each row of its tile in its own array; a {@link GemmRows} kernel does
 * the sums, the Vector API's where the JVM has it ({@link VectorGemmRows}), else one the JIT vectorises
 * ({@link ScalarGemmRows}).
 * <p>
 * Summation order, the same whatever the thread count or timing, and whether the plan computes c or c^T: element
 * (i, j) sums its terms op(a)[i, p] * op(b)[p, j] in increasing p, each fused into the running sum with one rounding
 * (sum = fma(op(a)[i, p], op(b)[p, j], sum), as {@link Math#fma} computes it), starting from zero. When k is at least
 * 2 * {@link GemmPlan#PART_DEPTH} (2048) and m * n at most {@link GemmPlan#PART_OUTPUT} (65536), k is cut into parts of
 * PART_DEPTH terms, each summed so from zero, and the parts' sums are added in increasing order.
 * Then c = alpha * sum, or alpha * sum + beta * c when beta is not 0.
 * Scratch space is kept between calls: an instance is not thread-safe.
 */
final class FloatGemm {
    /** Multiply-adds below which one thread does the whole product. */
    static final long PARALLEL_WORK = 1L << 21;
    /** Floats of packed panels a thread keeps between calls at most. */
    static final long KEPT_PANEL_FLOATS = 1 << 22;

    private static final AtomicLong CALLS = new AtomicLong();
    private static final GemmRows FASTEST = GemmRows.fastest();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final GemmRows rows;
    private float[] partSums = new float[0];

    /** A gemm on the fastest kernel this JVM offers. */
    FloatGemm() {
        this(FASTEST);
    }

    /** A gemm on {@code rows}; every kernel gives the same bits. */
    FloatGemm(GemmRows rows) {
        this.rows = rows;
    }

    /** One thread's accumulators and packed panels, kept between calls. */
    private static final class Scratch {
        final float[][] accumulators = new float[GemmPlan.TILE_ROWS][GemmPlan.PANEL_COLUMNS];
        /** Panels by width class, 16 << class columns: a narrow product packs into dense memory. */
        final float[][][] panels = new float[6][0][];
        long packedCall = -1;
        int packedPart;
        int packedBlock;

        /** Drops panels larger than {@link #KEPT_PANEL_FLOATS}, so that one product with a huge k leaves no huge scratch behind. */
        void trim() {
            for (int widthClass = 0; widthClass < panels.length; widthClass++) {
                if ((long) panels[widthClass].length * (16 << widthClass) > KEPT_PANEL_FLOATS) {
                    panels[widthClass] = new float[0][];
                    packedCall = -1;
                }
            }
        }

        /** The unit's packed panel of the right operand, packed unless the previous unit of this call packed it. */
        float[][] panel(GemmPlan plan, long call, int unit, float[] right) {
            int width = plan.width(unit), span = plan.span(unit);
            int widthClass = Math.max(0, 28 - Integer.numberOfLeadingZeros(width - 1));
            float[][] panel = panels[widthClass];
            if (call == packedCall && plan.part(unit) == packedPart && plan.columnBlock(unit) == packedBlock) {
                return panel;
            }
            if (panel.length < span) {
                panel = Arrays.copyOf(panel, span);
                for (int p = panels[widthClass].length; p < span; p++) {
                    panel[p] = new float[16 << widthClass];
                }
                panels[widthClass] = panel;
            }
            pack(plan, right, plan.firstDepth(unit), span, plan.firstColumn(unit), width, panel);
            packedCall = call;
            packedPart = plan.part(unit);
            packedBlock = plan.columnBlock(unit);
            return panel;
        }
    }

    void gemm(boolean transposeA, boolean transposeB, int m, int n, int k,
              float alpha, float[] a, float[] b, float beta, float[] c) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scale(m * n, beta, c);
            return;
        }
        int tasks = (long) m * n * k < PARALLEL_WORK ? 1 : WorkPool.THREADS;
        GemmPlan plan = new GemmPlan(transposeA, transposeB, m, n, k, tasks);
        float[] left = plan.transposed ? b : a, right = plan.transposed ? a : b;
        long call = CALLS.incrementAndGet();
        int partSize = plan.rows * plan.columns;
        if (plan.parts > 1 && partSums.length < plan.parts * partSize) {
            partSums = new float[plan.parts * partSize];
        }
        float[] sums = partSums;
        WorkPool.run(plan.units(), tasks, 1, (from, to) -> {
            Scratch scratch = SCRATCH.get();
            for (int unit = from; unit < to; unit++) {
                float[][] panel = rows.readsPanel(plan, unit) ? scratch.panel(plan, call, unit, right) : null;
                accumulate(plan, unit, left, right, panel, scratch.accumulators);
                if (plan.parts > 1) {
                    keepPart(plan, unit, scratch.accumulators, sums, plan.part(unit) * partSize);
                } else if (plan.transposed) {
                    storeTransposed(plan, unit, scratch.accumulators, alpha, beta, c);
                } else {
                    store(plan, unit, scratch.accumulators, alpha, beta, c);
                }
            }
            scratch.trim();
        });
        if (plan.parts > 1) {
            addParts(plan, sums, alpha, beta, c);
        }
    }

    /** Zeroes the accumulators of the unit's rows, then sums its part of the depth into them. */
    private void accumulate(GemmPlan plan, int unit, float[] left, float[] right, float[][] panel,
                            float[][] accumulators) {
        // up to a multiple of 16: a vector kernel also sums the columns past the width, which are never stored
        int padded = (plan.width(unit) + 15) / 16 * 16;
        for (int row = plan.firstRow(unit); row < plan.endRow(unit); row++) {
            Arrays.fill(accumulators[row - plan.firstRow(unit)], 0, padded, 0);
        }
        rows.accumulate(plan, unit, left, right, panel, accumulators);
    }

    /** Copies right[firstDepth + p, firstColumn + j] into panel[p][j] for p in [0, span), j in [0, width). */
    private static void pack(GemmPlan plan, float[] right, int firstDepth, int span, int firstColumn, int width, float[][] panel) {
        int depthStride = plan.rightDepthStride, columnStride = plan.rightColumnStride;
        if (columnStride == 1) {
            for (int p = 0; p < span; p++) {
                System.arraycopy(right, (firstDepth + p) * depthStride + firstColumn, panel[p], 0, width);
            }
            return;
        }
        // A column of the panel is a contiguous run of the source (depthStride is 1 here); eight runs at a time share
        // each row of the panel.
        int j = 0;
        for (; j + 8 <= width; j += 8) {
            int s0 = firstDepth + (firstColumn + j) * columnStride;
            int s1 = s0 + columnStride, s2 = s1 + columnStride, s3 = s2 + columnStride;
            int s4 = s3 + columnStride, s5 = s4 + columnStride, s6 = s5 + columnStride, s7 = s6 + columnStride;
            for (int p = 0; p < span; p++) {
                float[] row = panel[p];
                row[j] = right[s0 + p];
                row[j + 1] = right[s1 + p];
                row[j + 2] = right[s2 + p];
                row[j + 3] = right[s3 + p];
                row[j + 4] = right[s4 + p];
                row[j + 5] = right[s5 + p];
                row[j + 6] = right[s6 + p];
                row[j + 7] = right[s7 + p];
            }
        }
        for (; j < width; j++) {
            int source = firstDepth + (firstColumn + j) * columnStride;
            for (int p = 0; p < span; p++) {
                panel[p][j] = right[source + p];
            }
        }
    }

    /** Writes the unit's rows of c (the plan computes c itself). */
    private static void store(GemmPlan plan, int unit, float[][] accumulators, float alpha, float beta, float[] c) {
        int firstRow = plan.firstRow(unit), endRow = plan.endRow(unit), width = plan.width(unit);
        for (int row = firstRow; row < endRow; row++) {
            float[] sums = accumulators[row - firstRow];
            int offset = row * plan.columns + plan.firstColumn(unit);
            if (beta == 0) {
                for (int j = 0; j < width; j++) {
                    c[offset + j] = alpha * sums[j];
                }
            } else {
                for (int j = 0; j < width; j++) {
                    c[offset + j] = alpha * sums[j] + beta * c[offset + j];
                }
            }
        }
    }

    /** Writes the unit's columns of c (the plan computes c^T: its rows are columns of c), a row of c at a time. */
    private static void storeTransposed(GemmPlan plan, int unit, float[][] accumulators, float alpha, float beta, float[] c) {
        int firstColumn = plan.firstRow(unit), endColumn = plan.endRow(unit), n = plan.rows;
        int firstRow = plan.firstColumn(unit), height = plan.width(unit);
        for (int i = 0; i < height; i++) {
            int offset = (firstRow + i) * n;
            for (int j = firstColumn; j < endColumn; j++) {
                float sum = accumulators[j - firstColumn][i];
                c[offset + j] = beta == 0 ? alpha * sum : alpha * sum + beta * c[offset + j];
            }
        }
    }

    /** Keeps the unit's sums for its part of k, in the plan's row-major layout. */
    private static void keepPart(GemmPlan plan, int unit, float[][] accumulators, float[] sums, int offset) {
        int firstRow = plan.firstRow(unit), endRow = plan.endRow(unit);
        for (int row = firstRow; row < endRow; row++) {
            System.arraycopy(accumulators[row - firstRow], 0, sums, offset + row * plan.columns + plan.firstColumn(unit), plan.width(unit));
        }
    }

    /** c = alpha * (the parts' sums added in increasing part) (+ beta * c), rows of the plan split across the pool. */
    private static void addParts(GemmPlan plan, float[] sums, float alpha, float beta, float[] c) {
        int size = plan.rows * plan.columns;
        WorkPool.forRange(plan.rows, Math.max(1, 4096 / plan.columns), (from, to) -> {
            for (int row = from; row < to; row++) {
                for (int column = 0; column < plan.columns; column++) {
                    int element = row * plan.columns + column;
                    float sum = sums[element];
                    for (int part = 1; part < plan.parts; part++) {
                        sum += sums[part * size + element];
                    }
                    int target = plan.transposed ? column * plan.rows + row : element;
                    c[target] = beta == 0 ? alpha * sum : alpha * sum + beta * c[target];
                }
            }
        });
    }

    private static void scale(int length, float beta, float[] c) {
        for (int i = 0; i < length; i++) {
            c[i] = beta == 0 ? 0 : beta * c[i];
        }
    }
}
