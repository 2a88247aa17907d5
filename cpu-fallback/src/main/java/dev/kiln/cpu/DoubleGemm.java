package dev.kiln.cpu;

/**
 * F64 matrix multiply c = alpha * op(a) * op(b) + beta * c on row-major arrays. op(b) is packed into
 * separate row arrays of at most {@link #PANEL_COLUMNS} columns and {@link #PANEL_DEPTH} rows, and each row
 * of c is accumulated in its own row array, so that the JIT vectorises the inner loop (it does not when two
 * offsets index one flat array). Rows of c are split across the work pool; every element is the sum over k
 * in increasing order, four terms at a time, whatever the partitioning, so results are reproducible.
 * Scratch space is kept between calls: an instance is not thread-safe.
 */
final class DoubleGemm {
    static final int PANEL_COLUMNS = 256;
    static final int PANEL_DEPTH = 256;
    /** Multiply-adds below which one thread does the whole product. */
    static final long PARALLEL_WORK = 1L << 21;
    private static final int ROW_GROUP = 4;

    private double[][] packed = new double[0][];
    private double[][] accumulators = new double[0][];

    void gemm(boolean transposeA, boolean transposeB, int m, int n, int k,
              double alpha, double[] a, double[] b, double beta, double[] c) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0) {
            scale(m * n, beta, c);
            return;
        }
        int columnBlocks = (n + PANEL_COLUMNS - 1) / PANEL_COLUMNS;
        pack(transposeB, n, k, b, columnBlocks);
        ensureAccumulators(m);
        int tasks = (long) m * n * k < PARALLEL_WORK ? 1 : WorkPool.tasksFor(m, ROW_GROUP);
        WorkPool.run(m, tasks, ROW_GROUP, (from, to) -> {
            for (int block = 0; block < columnBlocks; block++) {
                int column = block * PANEL_COLUMNS;
                int width = Math.min(PANEL_COLUMNS, n - column);
                for (int i = from; i < to; i++) {
                    java.util.Arrays.fill(accumulators[i], 0, width, 0);
                }
                for (int depth = 0; depth < k; depth += PANEL_DEPTH) {
                    int span = Math.min(PANEL_DEPTH, k - depth);
                    int panel = block * k + depth;
                    int i = from;
                    for (; i + ROW_GROUP <= to; i += ROW_GROUP) {
                        fourRows(transposeA, m, k, a, i, depth, span, panel, width);
                    }
                    for (; i < to; i++) {
                        oneRow(transposeA, m, k, a, i, depth, span, panel, width);
                    }
                }
                for (int i = from; i < to; i++) {
                    store(alpha, beta, accumulators[i], c, i * n + column, width);
                }
            }
        });
    }

    private static double element(boolean transposeA, int m, int k, double[] a, int row, int depth) {
        return transposeA ? a[depth * m + row] : a[row * k + depth];
    }

    private void fourRows(boolean transposeA, int m, int k, double[] a, int row, int depth, int span, int panel, int width) {
        double[] c0 = accumulators[row];
        double[] c1 = accumulators[row + 1];
        double[] c2 = accumulators[row + 2];
        double[] c3 = accumulators[row + 3];
        int p = 0;
        for (; p + 4 <= span; p += 4) {
            double[] b0 = packed[panel + p];
            double[] b1 = packed[panel + p + 1];
            double[] b2 = packed[panel + p + 2];
            double[] b3 = packed[panel + p + 3];
            int d = depth + p;
            double a00 = element(transposeA, m, k, a, row, d), a01 = element(transposeA, m, k, a, row, d + 1);
            double a02 = element(transposeA, m, k, a, row, d + 2), a03 = element(transposeA, m, k, a, row, d + 3);
            double a10 = element(transposeA, m, k, a, row + 1, d), a11 = element(transposeA, m, k, a, row + 1, d + 1);
            double a12 = element(transposeA, m, k, a, row + 1, d + 2), a13 = element(transposeA, m, k, a, row + 1, d + 3);
            double a20 = element(transposeA, m, k, a, row + 2, d), a21 = element(transposeA, m, k, a, row + 2, d + 1);
            double a22 = element(transposeA, m, k, a, row + 2, d + 2), a23 = element(transposeA, m, k, a, row + 2, d + 3);
            double a30 = element(transposeA, m, k, a, row + 3, d), a31 = element(transposeA, m, k, a, row + 3, d + 1);
            double a32 = element(transposeA, m, k, a, row + 3, d + 2), a33 = element(transposeA, m, k, a, row + 3, d + 3);
            for (int j = 0; j < width; j++) {
                double x0 = b0[j], x1 = b1[j], x2 = b2[j], x3 = b3[j];
                c0[j] += a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3;
                c1[j] += a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3;
                c2[j] += a20 * x0 + a21 * x1 + a22 * x2 + a23 * x3;
                c3[j] += a30 * x0 + a31 * x1 + a32 * x2 + a33 * x3;
            }
        }
        for (; p < span; p++) {
            double[] b0 = packed[panel + p];
            int d = depth + p;
            double a00 = element(transposeA, m, k, a, row, d);
            double a10 = element(transposeA, m, k, a, row + 1, d);
            double a20 = element(transposeA, m, k, a, row + 2, d);
            double a30 = element(transposeA, m, k, a, row + 3, d);
            for (int j = 0; j < width; j++) {
                double x0 = b0[j];
                c0[j] += a00 * x0;
                c1[j] += a10 * x0;
                c2[j] += a20 * x0;
                c3[j] += a30 * x0;
            }
        }
    }

    private void oneRow(boolean transposeA, int m, int k, double[] a, int row, int depth, int span, int panel, int width) {
        double[] c0 = accumulators[row];
        int p = 0;
        for (; p + 4 <= span; p += 4) {
            double[] b0 = packed[panel + p];
            double[] b1 = packed[panel + p + 1];
            double[] b2 = packed[panel + p + 2];
            double[] b3 = packed[panel + p + 3];
            int d = depth + p;
            double a00 = element(transposeA, m, k, a, row, d), a01 = element(transposeA, m, k, a, row, d + 1);
            double a02 = element(transposeA, m, k, a, row, d + 2), a03 = element(transposeA, m, k, a, row, d + 3);
            for (int j = 0; j < width; j++) {
                c0[j] += a00 * b0[j] + a01 * b1[j] + a02 * b2[j] + a03 * b3[j];
            }
        }
        for (; p < span; p++) {
            double[] b0 = packed[panel + p];
            double a00 = element(transposeA, m, k, a, row, depth + p);
            for (int j = 0; j < width; j++) {
                c0[j] += a00 * b0[j];
            }
        }
    }

    private static void store(double alpha, double beta, double[] accumulator, double[] c, int offset, int width) {
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

    private static void scale(int length, double beta, double[] c) {
        for (int i = 0; i < length; i++) {
            c[i] = beta == 0 ? 0 : beta * c[i];
        }
    }

    /** Copies op(b) [k, n] into row arrays: packed[block * k + p][j] = op(b)[p, block * PANEL_COLUMNS + j]. */
    private void pack(boolean transposeB, int n, int k, double[] b, int columnBlocks) {
        int rows = columnBlocks * k;
        if (packed.length < rows) {
            double[][] grown = java.util.Arrays.copyOf(packed, rows);
            for (int r = packed.length; r < rows; r++) {
                grown[r] = new double[PANEL_COLUMNS];
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

    private void ensureAccumulators(int m) {
        if (accumulators.length < m) {
            double[][] grown = java.util.Arrays.copyOf(accumulators, m);
            for (int r = accumulators.length; r < m; r++) {
                grown[r] = new double[PANEL_COLUMNS];
            }
            accumulators = grown;
        }
    }
}
