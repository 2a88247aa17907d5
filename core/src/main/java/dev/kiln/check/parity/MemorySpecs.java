package dev.kiln.check.parity;

import dev.kiln.backend.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Specs of the data movement methods: upload/download round trips, {@code copy}, {@code copyBlocks} and {@code fill},
 * in the dtype under test and on I32 buffers of indices (labelled {@code i32}).
 */
final class MemorySpecs {
    private static final int[] LENGTHS = {1, 651, 1025, 65537};
    /** Whole numbers of both signs up to 2^24, so that F32 host copies keep them exact. */
    private static final InputRange INTS = InputRange.integers(-(1 << 24), 1 << 24);

    private MemorySpecs() {
    }

    static List<OpSpec> all() {
        return List.of(roundTrip(), copy(), copyBlocks(), fill());
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
        for (int n : new int[] {1, 651, 65537}) {
            cases.add(new OpCase(Labels.shape(n) + ",i32", n == 651, List.of(Input.indices("x", n, INTS)),
                    Tolerances.EXACT, (call, in) -> List.of(call.output("x", in.get(0)))));
        }
        cases.add(new OpCase("651,into=656,i32", false, List.of(Input.indices("x", 651, INTS)), Tolerances.EXACT,
                (call, in) -> {
                    Buffer target = call.allocateIndices(656);
                    call.backend().fill(target, -3);
                    call.write(call.download(in.get(0)), target);
                    return List.of(call.output("target", target), new Output("prefix", call.download(target, 93)));
                }));
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
            for (boolean ints : new boolean[] {false, true}) {
                if (ints && !c.quick() && c.sourceLength() != 65537) {
                    continue;
                }
                List<Input> inputs = ints
                        ? List.of(Input.indices("source", c.sourceLength(), INTS),
                                Input.indices("target", c.targetLength(), INTS))
                        : List.of(new Input("source", c.sourceLength(), InputRange.uniform(-2, 2)),
                                new Input("target", c.targetLength(), InputRange.uniform(-2, 2)));
                cases.add(new OpCase(c.label() + (ints ? ",i32" : ""), c.quick(), inputs, Tolerances.EXACT,
                        (call, in) -> {
                            call.backend().copy(in.get(0), c.sourceOffset(), in.get(1), c.targetOffset(), c.length());
                            return List.of(call.output("target", in.get(1)));
                        }));
            }
        }
        return new OpSpec("copy", List.of(Coverage.of("copy")), cases);
    }

    /**
     * One copyBlocks variant; the source and target are just long enough, plus {@code slack} elements, and the
     * target starts with random contents that must survive outside the blocks.
     */
    private record Blocks(int blocks, int blockLength, int sourceOffset, int sourceStride, int targetOffset,
            int targetStride, int slack, boolean quick) {
        int sourceLength() {
            return sourceOffset + (blocks - 1) * sourceStride + blockLength + slack;
        }

        int targetLength() {
            return targetOffset + (blocks - 1) * targetStride + blockLength + slack;
        }

        String label() {
            return String.format(Locale.ROOT, "%dx%d,from=%d+%d,to=%d+%d,slack=%d", blocks, blockLength,
                    sourceOffset, sourceStride, targetOffset, targetStride, slack);
        }
    }

    /**
     * The layouts the shape ops use (one part of a concatenation, a slice, a padded interior), one block, blocks of
     * one element, a repeated source block (stride 0), odd sizes, a large case, and blocks whose length every vector
     * width divides (the kernels moving several elements at once), at offsets that are no multiple of it.
     */
    private static OpSpec copyBlocks() {
        List<Blocks> variants = List.of(
                new Blocks(1, 651, 3, 651, 5, 651, 2, false),
                new Blocks(7, 5, 2, 9, 1, 13, 3, true),
                new Blocks(31, 17, 0, 17, 4, 40, 0, false),
                new Blocks(33, 3, 7, 11, 0, 3, 1, false),
                new Blocks(1025, 1, 0, 2, 1, 3, 0, false),
                new Blocks(5, 13, 2, 0, 0, 13, 0, false),
                new Blocks(257, 255, 1, 256, 3, 511, 7, false),
                new Blocks(9, 32, 3, 64, 5, 48, 2, false),
                new Blocks(40, 128, 0, 256, 0, 128, 0, false));
        List<OpCase> cases = new ArrayList<>();
        for (Blocks c : variants) {
            for (boolean ints : new boolean[] {false, true}) {
                if (ints && !c.quick() && c.blocks() != 257 && c.blockLength() != 32) {
                    continue;
                }
                List<Input> inputs = ints
                        ? List.of(Input.indices("source", c.sourceLength(), INTS),
                                Input.indices("target", c.targetLength(), INTS))
                        : List.of(new Input("source", c.sourceLength(), InputRange.uniform(-2, 2)),
                                new Input("target", c.targetLength(), InputRange.uniform(-2, 2)));
                cases.add(new OpCase(c.label() + (ints ? ",i32" : ""), c.quick(), inputs, Tolerances.EXACT,
                        (call, in) -> {
                            call.backend().copyBlocks(c.blocks(), c.blockLength(), in.get(0), c.sourceOffset(),
                                    c.sourceStride(), in.get(1), c.targetOffset(), c.targetStride());
                            return List.of(call.output("target", in.get(1)));
                        }));
            }
        }
        return new OpSpec("copy_blocks", List.of(Coverage.of("copyBlocks")), cases);
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
        // I32 stores (int) value: the fraction dropped, NaN as 0.
        for (double value : new double[] {0, -7, 1024.5, 16_777_217, Double.NaN}) {
            cases.add(new OpCase("651,value=" + value + ",i32", value == -7, List.of(Input.indices("target", 651, INTS)),
                    Tolerances.EXACT, (call, in) -> {
                        call.backend().fill(in.get(0), value);
                        return List.of(call.output("target", in.get(0)));
                    }));
        }
        return new OpSpec("fill", List.of(Coverage.of("fill")), cases);
    }
}
