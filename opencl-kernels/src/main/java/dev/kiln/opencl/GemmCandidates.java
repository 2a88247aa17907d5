package dev.kiln.opencl;

import java.util.ArrayList;
import java.util.List;

/**
 * The gemm tunings one step away from a given one (one parameter changed), for {@code kiln tune}'s search: the
 * register-blocked kernel's block shape, vector width, work-group and k slice; the tiled kernel's tile, outputs per
 * work-item and k slice.
 */
final class GemmCandidates {
    private static final int[] ROWS = {4, 6, 8, 12, 16};
    private static final int[] VECTOR_WIDTHS = {4, 8, 16};
    private static final int[] VECTORS = {1, 2, 4};
    private static final int[][] GROUPS = {{4, 4}, {4, 8}, {8, 4}, {8, 8}, {16, 8}, {8, 16}, {8, 1}, {16, 1}, {32, 1}};
    private static final int[] REGISTER_DEPTH_BLOCKS = {256, 512, 1024, 2048};
    private static final int[] TILES = {16, 32};
    private static final int[] WORK_PER_ITEM = {2, 4, 8, 16};
    private static final int[] TILED_DEPTH_BLOCKS = {512, 1024, 2048};
    /** Work-items per group of gemm_tiled at most: what every current GPU takes. */
    private static final int MAX_GROUP = 256;

    private GemmCandidates() {
    }

    static List<GemmTuning> neighbours(GemmTuning t) {
        List<GemmTuning> out = new ArrayList<>();
        if (t.registerBlocked()) {
            for (int rows : ROWS) {
                add(out, t, register(t, rows, t.vectorWidth(), t.vectors(), t.groupRows(), t.groupColumns(),
                        t.depthBlock()));
            }
            for (int width : VECTOR_WIDTHS) {
                add(out, t, register(t, t.rows(), width, t.vectors(), t.groupRows(), t.groupColumns(), t.depthBlock()));
            }
            for (int vectors : VECTORS) {
                add(out, t, register(t, t.rows(), t.vectorWidth(), vectors, t.groupRows(), t.groupColumns(),
                        t.depthBlock()));
            }
            for (int[] group : GROUPS) {
                add(out, t, register(t, t.rows(), t.vectorWidth(), t.vectors(), group[0], group[1], t.depthBlock()));
            }
            for (int depth : REGISTER_DEPTH_BLOCKS) {
                add(out, t, register(t, t.rows(), t.vectorWidth(), t.vectors(), t.groupRows(), t.groupColumns(),
                        depth));
            }
        } else {
            for (int tile : TILES) {
                add(out, t, tiled(t, tile, Math.min(t.workPerItem(), tile), t.depthBlock()));
            }
            for (int work : WORK_PER_ITEM) {
                add(out, t, tiled(t, t.tile(), work, t.depthBlock()));
            }
            for (int depth : TILED_DEPTH_BLOCKS) {
                add(out, t, tiled(t, t.tile(), t.workPerItem(), depth));
            }
        }
        return out;
    }

    private static void add(List<GemmTuning> out, GemmTuning from, GemmTuning candidate) {
        if (candidate != null && !candidate.equals(from) && !out.contains(candidate)) {
            out.add(candidate);
        }
    }

    private static GemmTuning register(GemmTuning t, int rows, int width, int vectors, int groupRows,
                                       int groupColumns, int depth) {
        return new GemmTuning(true, rows, width, vectors, groupRows, groupColumns, depth, t.tile(), t.workPerItem(),
                t.generalBelow());
    }

    /** A gemm_tiled tuning, or null when its work-group would be too large or the rows do not divide the tile. */
    private static GemmTuning tiled(GemmTuning t, int tile, int work, int depth) {
        if (tile % work != 0 || tile * tile / work > MAX_GROUP) {
            return null;
        }
        return new GemmTuning(false, t.rows(), t.vectorWidth(), t.vectors(), t.groupRows(), t.groupColumns(), depth,
                tile, work, t.generalBelow());
    }
}
