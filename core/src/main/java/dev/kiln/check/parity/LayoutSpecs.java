package dev.kiln.check.parity;

import dev.kiln.backend.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Specs of the index and layout primitives: {@code permute}, {@code gather} and {@code scatterAdd} (I32 indices). */
final class LayoutSpecs {
    private LayoutSpecs() {
    }

    static List<OpSpec> all() {
        return List.of(permute(), gather(), scatterAdd());
    }

    /** One permutation of a shape. */
    private record Permutation(int[] dims, int[] axes, boolean quick) {
        long size() {
            return Arrays.stream(dims).asLongStream().reduce(1, (a, b) -> a * b);
        }

        String label() {
            return Labels.shape(dims) + ",axes=" + Arrays.toString(axes).replace(" ", "");
        }
    }

    /** Every rank from 1 to 6, identity and reversal, a matrix transpose, odd sizes, axes of size 1, a large case. */
    private static OpSpec permute() {
        List<Permutation> variants = List.of(
                new Permutation(new int[] {7}, new int[] {0}, false),
                new Permutation(new int[] {7, 93}, new int[] {1, 0}, false),
                new Permutation(new int[] {3, 5, 7}, new int[] {2, 0, 1}, true),
                new Permutation(new int[] {3, 5, 7}, new int[] {0, 1, 2}, false),
                new Permutation(new int[] {2, 3, 4, 5}, new int[] {0, 2, 1, 3}, false),
                new Permutation(new int[] {2, 3, 1, 5, 4}, new int[] {4, 3, 2, 1, 0}, false),
                new Permutation(new int[] {2, 3, 2, 5, 3, 2}, new int[] {5, 1, 3, 0, 4, 2}, true),
                new Permutation(new int[] {33, 65, 31}, new int[] {1, 2, 0}, false));
        List<OpCase> cases = new ArrayList<>();
        for (Permutation p : variants) {
            int size = Math.toIntExact(p.size());
            cases.add(new OpCase(p.label(), p.quick(), List.of(new Input("x", size, InputRange.uniform(-2, 2))),
                    Tolerances.EXACT, (call, in) -> {
                        Buffer out = call.allocate(size);
                        call.backend().permute(p.dims(), p.axes(), in.get(0), out);
                        return List.of(call.output("out", out));
                    }));
        }
        return new OpSpec("permute", List.of(Coverage.of("permute")), cases);
    }

    /** A lookup of {@code count} rows of a [rows, cols] table. */
    private record Lookup(int rows, int cols, int count, boolean quick) {
        String label() {
            return String.format(Locale.ROOT, "%dx%d,count=%d", rows, cols, count);
        }

        Input indices() {
            return Input.indices("indices", count, InputRange.integers(0, rows - 1));
        }
    }

    /**
     * One row, widths around the work-group size, many repeated indices (count > rows), a large table; widths of 64
     * and 48 take the kernels that move a vector of each row per work-item.
     */
    private static final List<Lookup> LOOKUPS = List.of(
            new Lookup(1, 1, 1, false),
            new Lookup(5, 7, 40, true),
            new Lookup(11, 64, 30, true),
            new Lookup(600, 48, 129, false),
            new Lookup(17, 65, 9, false),
            new Lookup(3, 63, 257, false),
            new Lookup(1000, 129, 300, false));

    private static OpSpec gather() {
        List<OpCase> cases = new ArrayList<>();
        for (Lookup l : LOOKUPS) {
            List<Input> inputs = List.of(new Input("table", l.rows() * l.cols(), InputRange.uniform(-2, 2)), l.indices());
            cases.add(new OpCase(l.label(), l.quick(), inputs, Tolerances.EXACT, (call, in) -> {
                Buffer out = call.allocate((long) l.count() * l.cols());
                call.backend().gather(l.rows(), l.cols(), l.count(), in.get(0), in.get(1), out);
                return List.of(call.output("out", out));
            }));
        }
        return new OpSpec("gather", List.of(Coverage.of("gather")), cases);
    }

    /** Accumulates into a table that starts with random contents; repeated indices sum their rows in order. */
    private static OpSpec scatterAdd() {
        List<OpCase> cases = new ArrayList<>();
        for (Lookup l : LOOKUPS) {
            List<Input> inputs = List.of(l.indices(),
                    new Input("values", l.count() * l.cols(), InputRange.uniform(-2, 2)),
                    new Input("out", l.rows() * l.cols(), InputRange.uniform(-2, 2)));
            Tolerances tolerance = Tolerances.accumulated(l.count(), Tolerances.elementwise(), "scatter-add");
            cases.add(new OpCase(l.label(), l.quick(), inputs, tolerance, (call, in) -> {
                call.backend().scatterAdd(l.rows(), l.cols(), l.count(), in.get(0), in.get(1), in.get(2));
                return List.of(call.output("out", in.get(2)));
            }));
        }
        return new OpSpec("scatter_add", List.of(Coverage.of("scatterAdd")), cases);
    }
}
