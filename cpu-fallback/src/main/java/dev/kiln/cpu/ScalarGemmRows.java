package dev.kiln.cpu;

/**
 * The gemm kernel without the Vector API: each row of the tile accumulates in its own array, so that the JIT
 * vectorises the inner loop (it does not when an array is indexed at an offset other than the loop's); a unit goes
 * through its depth in slices that stay in cache, every row of the tile through each slice.
 */
final class ScalarGemmRows implements GemmRows {
    /** Columns from which a row takes the wide loop. */
    static final int WIDE_ROW = 64;
    /** Rows accumulated together through a slice of depth, before the next rows. */
    static final int ROW_BLOCK = 16;

    @Override
    public void accumulate(GemmPlan plan, int unit, float[] left, float[] right, float[][] panel,
                           float[][] accumulators) {
        int firstRow = plan.firstRow(unit), endRow = plan.endRow(unit), width = plan.width(unit);
        int firstDepth = plan.firstDepth(unit), span = plan.span(unit);
        int slice = GemmPlan.depthSlice(width);
        int step = plan.leftDepthStride;
        for (int top = 0; top < span; top += slice) {
            int bottom = Math.min(span, top + slice);
            for (int first = firstRow; first < endRow; first += ROW_BLOCK) {
                int last = Math.min(endRow, first + ROW_BLOCK);
                for (int depth = top; depth < bottom; depth += GemmPlan.PANEL_DEPTH) {
                    int panelSpan = Math.min(GemmPlan.PANEL_DEPTH, bottom - depth);
                    for (int row = first; row < last; row++) {
                        int at = row * plan.leftRowStride + (firstDepth + depth) * step;
                        float[] sums = accumulators[row - firstRow];
                        if (width >= WIDE_ROW) {
                            accumulateWideRow(left, at, step, sums, panel, depth, panelSpan, width);
                        } else {
                            accumulateNarrowRow(left, at, step, sums, panel, depth, panelSpan, width);
                        }
                    }
                }
            }
        }
    }

    /**
     * Fuses left[at + q * step] * panel[first + q][j] into c[j] over q in [0, span), in increasing q, four terms per
     * pass over c: on JDK 17 this form vectorises, while eight terms, or two rows of c sharing the panel loads, do not.
     * Wide and narrow rows run in separate copies of the loop because C2 unrolls, and so vectorises, a loop only as far
     * as its profiled trip count: narrow calls (n = 10) sharing the loop of wide ones (n = 128) cost the wide ones 10-40%.
     */
    private static void accumulateWideRow(float[] left, int at, int step, float[] c, float[][] panel, int first, int span, int width) {
        int q = 0;
        for (; q + 4 <= span; q += 4, at += 4 * step) {
            float[] b0 = panel[first + q], b1 = panel[first + q + 1], b2 = panel[first + q + 2], b3 = panel[first + q + 3];
            float a0 = left[at], a1 = left[at + step], a2 = left[at + 2 * step], a3 = left[at + 3 * step];
            for (int j = 0; j < width; j++) {
                c[j] = Math.fma(a3, b3[j], Math.fma(a2, b2[j], Math.fma(a1, b1[j], Math.fma(a0, b0[j], c[j]))));
            }
        }
        for (; q < span; q++, at += step) {
            float[] b0 = panel[first + q];
            float a0 = left[at];
            for (int j = 0; j < width; j++) {
                c[j] = Math.fma(a0, b0[j], c[j]);
            }
        }
    }

    /** The loop of {@link #accumulateWideRow}, a separate copy so that it keeps its own profile. */
    private static void accumulateNarrowRow(float[] left, int at, int step, float[] c, float[][] panel, int first, int span, int width) {
        int q = 0;
        for (; q + 4 <= span; q += 4, at += 4 * step) {
            float[] b0 = panel[first + q], b1 = panel[first + q + 1], b2 = panel[first + q + 2], b3 = panel[first + q + 3];
            float a0 = left[at], a1 = left[at + step], a2 = left[at + 2 * step], a3 = left[at + 3 * step];
            for (int j = 0; j < width; j++) {
                c[j] = Math.fma(a3, b3[j], Math.fma(a2, b2[j], Math.fma(a1, b1[j], Math.fma(a0, b0[j], c[j]))));
            }
        }
        for (; q < span; q++, at += step) {
            float[] b0 = panel[first + q];
            float a0 = left[at];
            for (int j = 0; j < width; j++) {
                c[j] = Math.fma(a0, b0[j], c[j]);
            }
        }
    }
}
