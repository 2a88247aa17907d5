package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Broadcast;
import dev.kiln.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * How two shapes broadcast (NumPy rules: aligned from the right, size-1 axes stretch), collapsed into the
 * three-axis {@link Broadcast} the backends execute.
 *
 * @param output the broadcast result shape
 * @param spec the backend iteration space
 */
record BroadcastPlan(Shape output, Broadcast spec) {

    static BroadcastPlan of(String op, Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        boolean[] aSpans = new boolean[rank];
        boolean[] bSpans = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int da = dimFromRight(a, rank - 1 - i);
            int db = dimFromRight(b, rank - 1 - i);
            if (da != db && da != 1 && db != 1) {
                throw new KilnException(op + ": shapes " + a + " and " + b + " cannot be broadcast together"
                        + " (axis " + i + " of the result: " + da + " vs " + db + ")");
            }
            out[i] = Math.max(da, db);
            aSpans[i] = da == out[i];
            bSpans[i] = db == out[i];
        }
        // Merge neighbouring axes of the same kind; axes of size 1 join any group.
        List<int[]> groups = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (out[i] == 1) {
                continue;
            }
            int kind = (aSpans[i] ? 2 : 0) | (bSpans[i] ? 1 : 0);
            int[] last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
            if (last != null && last[0] == kind) {
                last[1] *= out[i];
            } else {
                groups.add(new int[] {kind, out[i]});
            }
        }
        if (groups.size() > 3) {
            throw new KilnException(op + ": broadcasting " + a + " with " + b
                    + " alternates more than three times between broadcast and full axes; reshape the operands");
        }
        int[] extent = {1, 1, 1};
        int aAxes = Broadcast.ALL;
        int bAxes = Broadcast.ALL;
        int[] axisBits = {Broadcast.OUTER, Broadcast.MIDDLE, Broadcast.INNER};
        int offset = 3 - groups.size();
        for (int g = 0; g < groups.size(); g++) {
            int slot = offset + g;
            extent[slot] = groups.get(g)[1];
            int kind = groups.get(g)[0];
            if ((kind & 2) == 0) {
                aAxes &= ~axisBits[slot];
            }
            if ((kind & 1) == 0) {
                bAxes &= ~axisBits[slot];
            }
        }
        return new BroadcastPlan(Shape.of(out), new Broadcast(extent[0], extent[1], extent[2], aAxes, bAxes));
    }

    private static int dimFromRight(Shape s, int fromRight) {
        return fromRight < s.rank() ? s.dim(s.rank() - 1 - fromRight) : 1;
    }
}
