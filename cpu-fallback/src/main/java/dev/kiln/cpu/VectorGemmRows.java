package dev.kiln.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The gemm kernel on the Vector API: four rows by two vectors of columns stay in registers through a strip of depth,
 * so that each element of the panel loaded serves four rows and no accumulator goes through memory per step; each strip
 * of the panel serves every row of the unit while it is in the first-level cache. The strip's rows of the left operand
 * (four by four) and its two vectors of panel columns are first copied side by side, so that the inner loop reads
 * two arrays at fixed strides: with JDK 17's compiler that loop runs about 1.8 times as fast as one that reads the
 * operand and the panel's row arrays where they lie. The columns come straight from a row-major right operand when
 * the unit has no tail of columns, so that no packed panel of the whole unit is written first. The sums keep
 * {@link FloatGemm}'s order (each term fused into the running sum in increasing depth), so this kernel gives the bits
 * of {@link ScalarGemmRows}. Loaded only when the JVM has the module {@code jdk.incubator.vector}
 * ({@link GemmRows#fastest()}).
 */
final class VectorGemmRows implements GemmRows {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Depth of a strip of the panel: two 16-float vectors wide, 16 KiB, half a first-level cache. */
    private static final int STRIP_DEPTH = 128;
    private static final ThreadLocal<Strips> STRIPS = ThreadLocal.withInitial(Strips::new);

    VectorGemmRows() {
        // panel rows and accumulators hold a multiple of 16 floats, so whole vectors of up to 16 lanes fit in them
        if (16 % LANES != 0) {
            throw new UnsupportedOperationException("vectors of " + LANES + " floats do not divide 16");
        }
    }

    /** A unit's panel only where the strips do not cover it: a tail of columns, or a transposed operand. */
    @Override
    public boolean readsPanel(GemmPlan plan, int unit) {
        return plan.rightColumnStride != 1 || plan.width(unit) % (2 * LANES) != 0;
    }

    @Override
    public void accumulate(GemmPlan plan, int unit, float[] left, float[] right, float[][] panel,
                           float[][] accumulators) {
        int firstRow = plan.firstRow(unit), endRow = plan.endRow(unit), width = plan.width(unit);
        int firstDepth = plan.firstDepth(unit), span = plan.span(unit);
        // columns past the width are summed too (the arrays have room for them) and never stored
        int padded = (width + LANES - 1) / LANES * LANES;
        int blocks = (endRow - firstRow) / 4, endFour = firstRow + blocks * 4;
        Rows rows = new Rows(left, plan.leftRowStride, plan.leftDepthStride, firstDepth, panel);
        Strips strips = STRIPS.get();
        int pairsEnd = padded / (2 * LANES) * (2 * LANES);
        for (int top = 0; top < span; top += STRIP_DEPTH) {
            int bottom = Math.min(span, top + STRIP_DEPTH), depth = bottom - top;
            float[] packedLeft = blocks > 0 ? strips.packLeft(rows, firstRow, blocks, top, depth) : null;
            // each strip of two vectors' columns serves every row of the tile while it is in the first-level cache
            for (int j = 0; j < pairsEnd; j += 2 * LANES) {
                float[] packedPanel = panel != null ? strips.packPanel(panel, top, depth, j)
                        : strips.packPanel(right, (firstDepth + top) * plan.rightDepthStride
                                + plan.firstColumn(unit) + j, plan.rightDepthStride, depth);
                for (int block = 0; block < blocks; block++) {
                    fourByTwo(packedLeft, block * depth * 4, packedPanel, depth, accumulators, block * 4, j);
                }
                for (int row = endFour; row < endRow; row++) {
                    rows.oneByTwo(row, accumulators[row - firstRow], j, packedPanel, top, depth);
                }
            }
            for (int j = pairsEnd; j < padded; j += LANES) {
                for (int row = firstRow; row < endRow; row++) {
                    rows.one(row, accumulators[row - firstRow], j, top, bottom);
                }
            }
        }
    }

    /**
     * Four rows by two vectors of columns through a strip: {@code packedLeft} holds the rows' elements four by four
     * (depth p of row r at offset + 4p + r), {@code packedPanel} the strip's two vectors row by row (2 * LANES floats
     * per depth), so every load is at a constant stride from the loop's index; two depths a pass halve the loop's own
     * work (four a pass ran slower: the compiler then spills).
     */
    private static void fourByTwo(float[] packedLeft, int offset, float[] packedPanel, int depth, float[][] acc,
                                  int firstAcc, int j) {
        int j1 = j + LANES;
        float[] s0 = acc[firstAcc], s1 = acc[firstAcc + 1], s2 = acc[firstAcc + 2], s3 = acc[firstAcc + 3];
        FloatVector c00 = FloatVector.fromArray(SPECIES, s0, j), c01 = FloatVector.fromArray(SPECIES, s0, j1);
        FloatVector c10 = FloatVector.fromArray(SPECIES, s1, j), c11 = FloatVector.fromArray(SPECIES, s1, j1);
        FloatVector c20 = FloatVector.fromArray(SPECIES, s2, j), c21 = FloatVector.fromArray(SPECIES, s2, j1);
        FloatVector c30 = FloatVector.fromArray(SPECIES, s3, j), c31 = FloatVector.fromArray(SPECIES, s3, j1);
        FloatVector b0, b1, x;
        int p = 0;
        // 2 depths per pass, each still fused into the sums in increasing depth
        for (; p + 1 < depth; p += 2) {
            int b = p * 2 * LANES, a = offset + p * 4;
            b0 = FloatVector.fromArray(SPECIES, packedPanel, b);
            b1 = FloatVector.fromArray(SPECIES, packedPanel, b + LANES);
            x = FloatVector.broadcast(SPECIES, packedLeft[a]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(SPECIES, packedLeft[a + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(SPECIES, packedLeft[a + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(SPECIES, packedLeft[a + 3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            b0 = FloatVector.fromArray(SPECIES, packedPanel, b + 2 * LANES);
            b1 = FloatVector.fromArray(SPECIES, packedPanel, b + 3 * LANES);
            x = FloatVector.broadcast(SPECIES, packedLeft[a + 4]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(SPECIES, packedLeft[a + 5]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(SPECIES, packedLeft[a + 6]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(SPECIES, packedLeft[a + 7]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
        }
        for (; p < depth; p++) {
            int b = p * 2 * LANES, a = offset + p * 4;
            b0 = FloatVector.fromArray(SPECIES, packedPanel, b);
            b1 = FloatVector.fromArray(SPECIES, packedPanel, b + LANES);
            x = FloatVector.broadcast(SPECIES, packedLeft[a]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(SPECIES, packedLeft[a + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(SPECIES, packedLeft[a + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(SPECIES, packedLeft[a + 3]);
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

    /** One thread's copies of a strip's left rows and of two vectors' columns of its panel, kept between calls. */
    private static final class Strips {
        private float[] left = new float[0];
        private final float[] panel = new float[STRIP_DEPTH * 2 * LANES];

        /**
         * The unit's rows in blocks of four through depths [top, top + depth): block b, depth p, row r at
         * 4 * (b * depth + p) + r.
         */
        float[] packLeft(Rows rows, int firstRow, int blocks, int top, int depth) {
            if (left.length < blocks * depth * 4) {
                left = new float[blocks * STRIP_DEPTH * 4];
            }
            for (int block = 0; block < blocks; block++) {
                int a0 = (firstRow + block * 4) * rows.rowStride + (rows.firstDepth + top) * rows.step;
                int a1 = a0 + rows.rowStride, a2 = a1 + rows.rowStride, a3 = a2 + rows.rowStride;
                for (int p = 0, out = block * depth * 4; p < depth; p++, out += 4) {
                    int o = p * rows.step;
                    left[out] = rows.left[a0 + o];
                    left[out + 1] = rows.left[a1 + o];
                    left[out + 2] = rows.left[a2 + o];
                    left[out + 3] = rows.left[a3 + o];
                }
            }
            return left;
        }

        /** Two vectors of a row-major right operand, from {@code start}, through {@code depth} rows. */
        float[] packPanel(float[] right, int start, int depthStride, int depth) {
            for (int p = 0; p < depth; p++) {
                int from = start + p * depthStride;
                FloatVector.fromArray(SPECIES, right, from).intoArray(panel, p * 2 * LANES);
                FloatVector.fromArray(SPECIES, right, from + LANES).intoArray(panel, p * 2 * LANES + LANES);
            }
            return panel;
        }

        /** Columns j to j + 2 * LANES - 1 of the panel through depths [top, top + depth), row after row. */
        float[] packPanel(float[][] source, int top, int depth, int j) {
            // two vector moves per row: a call of System.arraycopy for 16 floats costs more than the copy
            for (int p = 0; p < depth; p++) {
                float[] row = source[top + p];
                FloatVector.fromArray(SPECIES, row, j).intoArray(panel, p * 2 * LANES);
                FloatVector.fromArray(SPECIES, row, j + LANES).intoArray(panel, p * 2 * LANES + LANES);
            }
            return panel;
        }
    }

    @Override
    public String toString() {
        return SPECIES.vectorBitSize() + "-bit vectors of " + LANES + " floats";
    }

    /** The left operand of a unit (element (row, p) at row * rowStride + (firstDepth + p) * step) and its panel. */
    private record Rows(float[] left, int rowStride, int step, int firstDepth, float[][] panel) {

        /** Row {@code row}, the two vectors of columns from j in a packed strip, through its {@code depth}. */
        void oneByTwo(int row, float[] sums, int j, float[] packedPanel, int top, int depth) {
            FloatVector c0 = FloatVector.fromArray(SPECIES, sums, j);
            FloatVector c1 = FloatVector.fromArray(SPECIES, sums, j + LANES);
            int a = row * rowStride + (firstDepth + top) * step;
            for (int p = 0; p < depth; p++) {
                FloatVector x = FloatVector.broadcast(SPECIES, left[a + p * step]);
                c0 = FloatVector.fromArray(SPECIES, packedPanel, p * 2 * LANES).fma(x, c0);
                c1 = FloatVector.fromArray(SPECIES, packedPanel, p * 2 * LANES + LANES).fma(x, c1);
            }
            c0.intoArray(sums, j);
            c1.intoArray(sums, j + LANES);
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
