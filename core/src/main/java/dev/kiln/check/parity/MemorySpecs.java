package dev.kiln.check.parity;

import dev.kiln.backend.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Specs of the data movement methods: upload/download round trips, {@code copy} and {@code fill}. */
final class MemorySpecs {
    private static final int[] LENGTHS = {1, 651, 1025, 65537};

    private MemorySpecs() {
    }

    static List<OpSpec> all() {
        return List.of(roundTrip(), copy(), fill());
    }

    /** Whole buffers, a short upload into the start of a longer buffer, and a download of a prefix. */
    private static OpSpec roundTrip() {
        List<OpCase> cases = new ArrayList<>();
        for (int n : LENGTHS) {
            cases.add(new OpCase(Labels.shape(n), n == 651, List.of(new Input("x", n, InputRange.uniform(-1e3, 1e3))),
                    Tolerances.EXACT, (call, in) -> List.of(call.output("x", in.get(0)))));
        }
        cases.add(new OpCase("651,into=656", true, List.of(new Input("x", 651, InputRange.uniform(-2, 2))),
                Tolerances.EXACT, (call, in) -> {
                    Buffer target = call.allocate(656);
                    call.backend().fill(target, 0);
                    call.write(call.download(in.get(0)), target);
                    return List.of(call.output("target", target));
                }));
        cases.add(new OpCase("651,prefix=93", false, List.of(new Input("x", 651, InputRange.uniform(-2, 2))),
                Tolerances.EXACT, (call, in) -> List.of(new Output("prefix", call.download(in.get(0), 93)))));
        return new OpSpec("upload_download", List.of(Coverage.of("upload"), Coverage.of("download")), cases);
    }

    /**
     * One copy variant.
     *
     * @param sourceLength elements of the source
     * @param targetLength elements of the target, which starts with random contents that must survive outside the copy
     */
    private record Copy(int sourceLength, int targetLength, int sourceOffset, int targetOffset, int length,
            boolean quick) {
        String label() {
            return String.format(Locale.ROOT, "%d->%d,from=%d,to=%d,length=%d", sourceLength, targetLength,
                    sourceOffset, targetOffset, length);
        }
    }

    private static OpSpec copy() {
        List<Copy> variants = List.of(
                new Copy(1, 1, 0, 0, 1, false),
                new Copy(651, 651, 0, 0, 651, false),
                new Copy(651, 700, 3, 5, 640, true),
                new Copy(1025, 1030, 1, 0, 1024, false),
                new Copy(65537, 65537, 0, 1, 65536, false));
        List<OpCase> cases = new ArrayList<>();
        for (Copy c : variants) {
            List<Input> inputs = List.of(new Input("source", c.sourceLength(), InputRange.uniform(-2, 2)),
                    new Input("target", c.targetLength(), InputRange.uniform(-2, 2)));
            cases.add(new OpCase(c.label(), c.quick(), inputs, Tolerances.EXACT, (call, in) -> {
                call.backend().copy(in.get(0), c.sourceOffset(), in.get(1), c.targetOffset(), c.length());
                return List.of(call.output("target", in.get(1)));
            }));
        }
        return new OpSpec("copy", List.of(Coverage.of("copy")), cases);
    }

    /** Values exactly representable in F32, so that both precisions must agree bit for bit; NaN too. */
    private static OpSpec fill() {
        double[] values = {0, -0.6875, 1024.5, Double.NaN};
        List<OpCase> cases = new ArrayList<>();
        for (int n : LENGTHS) {
            for (double value : values) {
                boolean quick = n == 651 && value == -0.6875;
                cases.add(new OpCase(n + ",value=" + value, quick, List.of(new Input("target", n,
                        InputRange.uniform(-2, 2))),
                        Tolerances.EXACT, (call, in) -> {
                            call.backend().fill(in.get(0), value);
                            return List.of(call.output("target", in.get(0)));
                        }));
            }
        }
        return new OpSpec("fill", List.of(Coverage.of("fill")), cases);
    }
}
