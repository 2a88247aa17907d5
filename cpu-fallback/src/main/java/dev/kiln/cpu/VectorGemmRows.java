package dev.kiln.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gemm kernel on the Vector API: four rows by two vectors of columns stay in registers through a strip of depth,
 * so that each element of the panel loaded serves four rows and no accumulator goes through memory per step; each strip
 * of the panel serves every row of the unit while it is in the first-level cache. The sums keep {@link FloatGemm}'s
 * order (each term fused into the running sum in increasing depth), so this kernel gives the bits of
 * {@link ScalarGemmRows}. Loaded only when the JVM has the module {@code jdk.incubator.vector}
 * ({@link GemmRows#fastest()}).
 */
final class VectorGemmRows implements GemmRows {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Depth of a strip of the panel: two 16-float vectors wide, 16 KiB, half a first-level cache. */
    private static final int STRIP_DEPTH = 128;

    VectorGemmRows() {
        // panel rows and accumulators hold a multiple of 16 floats, so whole vectors of up to 16 lanes fit in them
        if (16 % LANES != 0) {
            throw new UnsupportedOperationException("vectors of " + LANES + " floats do not divide 16");
        }
    }

    @Override
    public void accumulate(GemmPlan plan, int unit, float[] left, float[][] panel, float[][] accumulators) {
        int firstRow = plan.firstRow(unit), endRow = plan.endRow(unit), width = plan.width(unit);
        int firstDepth = plan.firstDepth(unit), span = plan.span(unit);
        // columns past the width are summed too (the arrays have room for them) and never stored
        int padded = (width + LANES - 1) / LANES * LANES;
        int endFour = firstRow + (endRow - firstRow) / 4 * 4;
        Rows rows = new Rows(left, plan.leftRowStride, plan.leftDepthStride, firstDepth, panel);
        for (int top = 0; top < span; top += STRIP_DEPTH) {
            int bottom = Math.min(span, top + STRIP_DEPTH);
            int j = 0;
            // each strip of two vectors' columns serves every row of the tile while it is in the first-level cache
            for (; j + 2 * LANES <= padded; j += 2 * LANES) {
                for (int row = firstRow; row < endFour; row += 4) {
                    rows.fourByTwo(row, accumulators, row - firstRow, j, top, bottom);
                }
            }
            for (; j < padded; j += LANES) {
                for (int row = firstRow; row < endFour; row++) {
                    rows.one(row, accumulators[row - firstRow], j, top, bottom);
                }
            }
            for (int row = endFour; row < endRow; row++) {
                for (int column = 0; column < padded; column += LANES) {
                    rows.one(row, accumulators[row - firstRow], column, top, bottom);
                }
            }
        }
    }

    @Override
    public String toString() {
        return SPECIES.vectorBitSize() + "-bit vectors of " + LANES + " floats";
    }

    /** The left operand of a unit (element (row, p) at row * rowStride + (firstDepth + p) * step) and its panel. */
    private record Rows(float[] left, int rowStride, int step, int firstDepth, float[][] panel) {

        /** Rows {@code row} to row + 3, columns j to j + 2 * LANES - 1, through depths [top, bottom). */
        void fourByTwo(int row, float[][] acc, int firstAcc, int j, int top, int bottom) {
            int j1 = j + LANES;
            float[] s0 = acc[firstAcc], s1 = acc[firstAcc + 1], s2 = acc[firstAcc + 2], s3 = acc[firstAcc + 3];
            FloatVector c00 = FloatVector.fromArray(SPECIES, s0, j), c01 = FloatVector.fromArray(SPECIES, s0, j1);
            FloatVector c10 = FloatVector.fromArray(SPECIES, s1, j), c11 = FloatVector.fromArray(SPECIES, s1, j1);
            FloatVector c20 = FloatVector.fromArray(SPECIES, s2, j), c21 = FloatVector.fromArray(SPECIES, s2, j1);
            FloatVector c30 = FloatVector.fromArray(SPECIES, s3, j), c31 = FloatVector.fromArray(SPECIES, s3, j1);
            int a0 = row * rowStride + firstDepth * step, a1 = a0 + rowStride, a2 = a1 + rowStride, a3 = a2 + rowStride;
            for (int p = top; p < bottom; p++) {
                float[] q = panel[p];
                FloatVector b0 = FloatVector.fromArray(SPECIES, q, j), b1 = FloatVector.fromArray(SPECIES, q, j1);
                int o = p * step;
                FloatVector x = FloatVector.broadcast(SPECIES, left[a0 + o]);
                c00 = b0.fma(x, c00);
                c01 = b1.fma(x, c01);
                x = FloatVector.broadcast(SPECIES, left[a1 + o]);
                c10 = b0.fma(x, c10);
                c11 = b1.fma(x, c11);
                x = FloatVector.broadcast(SPECIES, left[a2 + o]);
                c20 = b0.fma(x, c20);
                c21 = b1.fma(x, c21);
                x = FloatVector.broadcast(SPECIES, left[a3 + o]);
                c30 = b0.fma(x, c30);
                c31 = b1.fma(x, c31);
            }
            c00.intoArray(s0, j);
            c01.intoArray(s0, j1);
            c10.intoArray(s1, j);
            c11.intoArray(s1, j1);
            c20.intoArray(s2, j);
            c21.intoArray(s2, j1);
            c30.intoArray(s3, j);
            c31.intoArray(s3, j1);
        }

        /** Row {@code row}, columns j to j + LANES - 1, through depths [top, bottom). */
        void one(int row, float[] sums, int j, int top, int bottom) {
            FloatVector c = FloatVector.fromArray(SPECIES, sums, j);
            int a = row * rowStride + firstDepth * step;
            for (int p = top; p < bottom; p++) {
                FloatVector x = FloatVector.broadcast(SPECIES, left[a + p * step]);
                c = FloatVector.fromArray(SPECIES, panel[p], j).fma(x, c);
            }
            c.intoArray(sums, j);
        }
    }
}
