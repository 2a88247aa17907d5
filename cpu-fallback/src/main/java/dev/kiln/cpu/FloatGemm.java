package dev.kiln.cpu;

/**
 * F32 matrix multiply c = alpha * op(a) * op(b) + beta * c on row-major arrays. op(b) is packed into
 * separate row arrays of at most {@link #PANEL_COLUMNS} columns and {@link #PANEL_DEPTH} rows, and each row
 * of c is accumulated in its own row array, so that the JIT vectorises the inner loop (it does not when two
 * offsets index one flat array); rows go through every panel in blocks of {@link #ROW_BLOCK}, so a tall c
 * (a convolution's) keeps its accumulators in cache. Rows of c are split across the work pool; every element is the sum over k
 * in increasing order, four terms at a time, whatever the partitioning, so results are reproducible.
 * Scratch space is kept between calls: an instance is not thread-safe.
 */
final class FloatGemm {
    static final int PANEL_COLUMNS = 512;
    static final int PANEL_DEPTH = 64;
    /** Multiply-adds below which one thread does the whole product. */
    static final long PARALLEL_WORK = 1L << 21;
    /** Columns from which a row of c takes the wide loop. */
    static final int WIDE_ROW = 64;

    /** Rows of c accumulated together, through every panel of b, before the next rows. */
    static final int ROW_BLOCK = 16;
    /** Each thread's accumulators for one block of rows of c. */
    private static final ThreadLocal<float[][]> ROW_ACCUMULATORS =
            ThreadLocal.withInitial(() -> new float[ROW_BLOCK][PANEL_COLUMNS]);

    private float[][] packed = new float[0][];

    void gemm(boolean transposeA, boolean transposeB, int m, int n, int k,
              float alpha, float[] a, float[] b, float beta, float[] c) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scale(m * n, beta, c);
            return;
        }
        int columnBlocks = (n + PANEL_COLUMNS - 1) / PANEL_COLUMNS;
        pack(transposeB, n, k, b, columnBlocks);
        int tasks = (long) m * n * k < PARALLEL_WORK ? 1 : WorkPool.THREADS;
        WorkPool.run(m, tasks, 1, (from, to) -> {
            float[][] rows = ROW_ACCUMULATORS.get();
            // A block of rows runs through all of k before the next: its accumulators stay in cache.
            for (int first = from; first < to; first += ROW_BLOCK) {
                int last = Math.min(to, first + ROW_BLOCK);
                for (int block = 0; block < columnBlocks; block++) {
                    int column = block * PANEL_COLUMNS;
                    int width = Math.min(PANEL_COLUMNS, n - column);
                    for (int i = first; i < last; i++) {
                        java.util.Arrays.fill(rows[i - first], 0, width, 0);
                    }
                    for (int depth = 0; depth < k; depth += PANEL_DEPTH) {
                        int span = Math.min(PANEL_DEPTH, k - depth);
                        int panel = block * k + depth;
                        for (int i = first; i < last; i++) {
                            accumulateRow(transposeA, m, k, a, i, rows[i - first], depth, span, panel, width);
                        }
                    }
                    for (int i = first; i < last; i++) {
                        store(alpha, beta, rows[i - first], c, i * n + column, width);
                    }
                }
            }
        });
    }

    private static float element(boolean transposeA, int m, int k, float[] a, int row, int depth) {
        return transposeA ? a[depth * m + row] : a[row * k + depth];
    }

    /**
     * Adds op(a)[row, depth + p] * op(b)[depth + p, column block] over p in [0, span), in increasing p, four
     * terms per addition to c. Wide and narrow rows run in separate loops because C2 unrolls, and so
     * vectorises, a loop only as far as its profiled trip count: narrow calls (n = 10) sharing the loop of
     * wide ones (n = 128) cost the wide ones 10-40%.
     */
    private void accumulateRow(boolean transposeA, int m, int k, float[] a, int row, float[] c, int depth, int span, int panel, int width) {
        if (width >= WIDE_ROW) {
            accumulateWideRow(transposeA, m, k, a, row, c, depth, span, panel, width);
        } else {
            accumulateNarrowRow(transposeA, m, k, a, row, c, depth, span, panel, width);
        }
    }

    /** Four terms per pass over c: on JDK 17 this form vectorises, while eight terms, or two rows of c sharing the b loads, do not. */
    private void accumulateWideRow(boolean transposeA, int m, int k, float[] a, int row, float[] c, int depth, int span, int panel, int width) {
        int p = 0;
        for (; p + 4 <= span; p += 4) {
            float[] b0 = packed[panel + p], b1 = packed[panel + p + 1], b2 = packed[panel + p + 2], b3 = packed[panel + p + 3];
            int d = depth + p;
            float a0 = element(transposeA, m, k, a, row, d), a1 = element(transposeA, m, k, a, row, d + 1);
            float a2 = element(transposeA, m, k, a, row, d + 2), a3 = element(transposeA, m, k, a, row, d + 3);
            for (int j = 0; j < width; j++) {
                c[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
            }
        }
        for (; p < span; p++) {
            float[] b0 = packed[panel + p];
            float a0 = element(transposeA, m, k, a, row, depth + p);
            for (int j = 0; j < width; j++) {
                c[j] += a0 * b0[j];
            }
        }
    }

    /** The loop of {@link #accumulateWideRow}, a separate copy so that it keeps its own profile. */
    private void accumulateNarrowRow(boolean transposeA, int m, int k, float[] a, int row, float[] c, int depth, int span, int panel, int width) {
        int p = 0;
        for (; p + 4 <= span; p += 4) {
            float[] b0 = packed[panel + p], b1 = packed[panel + p + 1], b2 = packed[panel + p + 2], b3 = packed[panel + p + 3];
            int d = depth + p;
            float a0 = element(transposeA, m, k, a, row, d), a1 = element(transposeA, m, k, a, row, d + 1);
            float a2 = element(transposeA, m, k, a, row, d + 2), a3 = element(transposeA, m, k, a, row, d + 3);
            for (int j = 0; j < width; j++) {
                c[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
            }
        }
        for (; p < span; p++) {
            float[] b0 = packed[panel + p];
            float a0 = element(transposeA, m, k, a, row, depth + p);
            for (int j = 0; j < width; j++) {
                c[j] += a0 * b0[j];
            }
        }
    }

    private static void store(float alpha, float beta, float[] accumulator, float[] c, int offset, int width) {
        if (beta == 0) {
            for (int j = 0; j < width; j++) {
                c[offset + j] = alpha * accumulator[j];
            }
        } else {
            for (int j = 0; j < width; j++) {
                c[offset + j] = alpha * accumulator[j] + beta * c[offset + j];
            }
        }
    }

    private static void scale(int length, float beta, float[] c) {
        for (int i = 0; i < length; i++) {
            c[i] = beta == 0 ? 0 : beta * c[i];
        }
    }

    /** Copies op(b) [k, n] into row arrays: packed[block * k + p][j] = op(b)[p, block * PANEL_COLUMNS + j]. */
    private void pack(boolean transposeB, int n, int k, float[] b, int columnBlocks) {
        int rows = columnBlocks * k;
        if (packed.length < rows) {
            float[][] grown = java.util.Arrays.copyOf(packed, rows);
            for (int r = packed.length; r < rows; r++) {
                grown[r] = new float[PANEL_COLUMNS];
            }
            packed = grown;
        }
        for (int block = 0; block < columnBlocks; block++) {
            int column = block * PANEL_COLUMNS;
            int width = Math.min(PANEL_COLUMNS, n - column);
            if (!transposeB) {
                for (int p = 0; p < k; p++) {
                    System.arraycopy(b, p * n + column, packed[block * k + p], 0, width);
                }
            } else {
                for (int j = 0; j < width; j++) {
                    int source = (column + j) * k;
                    for (int p = 0; p < k; p++) {
                        packed[block * k + p][j] = b[source + p];
                    }
                }
            }
        }
    }
}
