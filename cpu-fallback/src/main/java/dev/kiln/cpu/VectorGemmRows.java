package dev.kiln.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gemm kernel on the Vector API: four rows by two vectors of columns stay in registers through a slice of depth,
 * so that each element of the panel loaded serves four rows and no accumulator goes through memory per step. The
 * sums keep {@link FloatGemm}'s order (each four terms summed left to right, then added to the running sum; products
 * and sums rounded one by one, never fused), so this kernel gives the bits of {@link ScalarGemmRows}. Loaded only when
 * the JVM has the module {@code jdk.incubator.vector} ({@link GemmRows#fastest()}).
 */
final class VectorGemmRows implements GemmRows {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

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
        int slice = GemmPlan.depthSlice(width);
        // columns past the width are summed too (the arrays have room for them) and never stored
        int padded = (width + LANES - 1) / LANES * LANES;
        Rows rows = new Rows(left, plan.leftRowStride, plan.leftDepthStride, firstDepth, panel);
        for (int top = 0; top < span; top += slice) {
            int bottom = Math.min(span, top + slice);
            int row = firstRow;
            for (; row + 4 <= endRow; row += 4) {
                int j = 0;
                for (; j + 2 * LANES <= padded; j += 2 * LANES) {
                    rows.fourByTwo(row, accumulators, row - firstRow, j, top, bottom);
                }
                for (; j < padded; j += LANES) {
                    for (int r = row; r < row + 4; r++) {
                        rows.one(r, accumulators[r - firstRow], j, top, bottom);
                    }
                }
            }
            for (; row < endRow; row++) {
                for (int j = 0; j < padded; j += LANES) {
                    rows.one(row, accumulators[row - firstRow], j, top, bottom);
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
            int p = top;
            for (; p + 4 <= bottom; p += 4) {
                float[] q0 = panel[p], q1 = panel[p + 1], q2 = panel[p + 2], q3 = panel[p + 3];
                FloatVector b00 = FloatVector.fromArray(SPECIES, q0, j), b01 = FloatVector.fromArray(SPECIES, q0, j1);
                FloatVector b10 = FloatVector.fromArray(SPECIES, q1, j), b11 = FloatVector.fromArray(SPECIES, q1, j1);
                FloatVector b20 = FloatVector.fromArray(SPECIES, q2, j), b21 = FloatVector.fromArray(SPECIES, q2, j1);
                FloatVector b30 = FloatVector.fromArray(SPECIES, q3, j), b31 = FloatVector.fromArray(SPECIES, q3, j1);
                int o = p * step, o1 = o + step, o2 = o1 + step, o3 = o2 + step;
                float x0 = left[a0 + o], x1 = left[a0 + o1], x2 = left[a0 + o2], x3 = left[a0 + o3];
                c00 = c00.add(b00.mul(x0).add(b10.mul(x1)).add(b20.mul(x2)).add(b30.mul(x3)));
                c01 = c01.add(b01.mul(x0).add(b11.mul(x1)).add(b21.mul(x2)).add(b31.mul(x3)));
                x0 = left[a1 + o];
                x1 = left[a1 + o1];
                x2 = left[a1 + o2];
                x3 = left[a1 + o3];
                c10 = c10.add(b00.mul(x0).add(b10.mul(x1)).add(b20.mul(x2)).add(b30.mul(x3)));
                c11 = c11.add(b01.mul(x0).add(b11.mul(x1)).add(b21.mul(x2)).add(b31.mul(x3)));
                x0 = left[a2 + o];
                x1 = left[a2 + o1];
                x2 = left[a2 + o2];
                x3 = left[a2 + o3];
                c20 = c20.add(b00.mul(x0).add(b10.mul(x1)).add(b20.mul(x2)).add(b30.mul(x3)));
                c21 = c21.add(b01.mul(x0).add(b11.mul(x1)).add(b21.mul(x2)).add(b31.mul(x3)));
                x0 = left[a3 + o];
                x1 = left[a3 + o1];
                x2 = left[a3 + o2];
                x3 = left[a3 + o3];
                c30 = c30.add(b00.mul(x0).add(b10.mul(x1)).add(b20.mul(x2)).add(b30.mul(x3)));
                c31 = c31.add(b01.mul(x0).add(b11.mul(x1)).add(b21.mul(x2)).add(b31.mul(x3)));
            }
            // the last k mod 4 terms, one at a time
            for (; p < bottom; p++) {
                FloatVector b0 = FloatVector.fromArray(SPECIES, panel[p], j);
                FloatVector b1 = FloatVector.fromArray(SPECIES, panel[p], j1);
                int o = p * step;
                c00 = c00.add(b0.mul(left[a0 + o]));
                c01 = c01.add(b1.mul(left[a0 + o]));
                c10 = c10.add(b0.mul(left[a1 + o]));
                c11 = c11.add(b1.mul(left[a1 + o]));
                c20 = c20.add(b0.mul(left[a2 + o]));
                c21 = c21.add(b1.mul(left[a2 + o]));
                c30 = c30.add(b0.mul(left[a3 + o]));
                c31 = c31.add(b1.mul(left[a3 + o]));
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
            int p = top;
            for (; p + 4 <= bottom; p += 4) {
                int o = a + p * step;
                c = c.add(FloatVector.fromArray(SPECIES, panel[p], j).mul(left[o])
                        .add(FloatVector.fromArray(SPECIES, panel[p + 1], j).mul(left[o + step]))
                        .add(FloatVector.fromArray(SPECIES, panel[p + 2], j).mul(left[o + 2 * step]))
                        .add(FloatVector.fromArray(SPECIES, panel[p + 3], j).mul(left[o + 3 * step])));
            }
            for (; p < bottom; p++) {
                c = c.add(FloatVector.fromArray(SPECIES, panel[p], j).mul(left[a + p * step]));
            }
            c.intoArray(sums, j);
        }
    }
}
