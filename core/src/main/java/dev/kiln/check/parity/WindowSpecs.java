package dev.kiln.check.parity;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.Window2d;
import dev.kiln.op.Padding2d;
import dev.kiln.op.WindowOptions;
import dev.kiln.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Specs of the sliding-window primitives over channels-last images: {@code im2col} and {@code col2im}, max and
 * average pooling and their gradients. The geometries cover odd sizes, strides 1 and 2, no padding, symmetric and
 * asymmetric (Keras "same" with an even extent) padding, dilation (convolutions only), 1, 3, 8, 16 and 32
 * channels (backends move wide channel counts in vectors), batches of 1 and more, and kernels 1x1 to 3x3.
 */
final class WindowSpecs {
    /** Whole numbers 0, 1, 2: most pooling windows hold equal values, and the first largest tap must win. */
    private static final InputRange TIES = InputRange.integers(0, 2);

    private WindowSpecs() {
    }

    static List<OpSpec> all() {
        return List.of(im2col(), col2im(), maxPool(), maxPoolBackward(), avgPool(), avgPoolBackward());
    }

    /**
     * A window with the padding it was built from, for the label.
     *
     * @param padding "valid", "same" or "pad", with the zero rows and columns on each side
     */
    private record Geometry(Window2d window, String padding, boolean quick) {
        /** No padding: the windows that fit. */
        static Geometry valid(boolean quick, int batch, int height, int width, int channels, int kernelHeight,
                              int kernelWidth, int strideHeight, int strideWidth, int dilationHeight, int dilationWidth) {
            return padded("valid", quick, batch, height, width, channels, kernelHeight, kernelWidth, strideHeight,
                    strideWidth, dilationHeight, dilationWidth, 0, 0, 0, 0);
        }

        /**
         * Keras "same": ceil(size / stride) outputs, the padding they need split with the odd one after the image
         * (so an even extent pads asymmetrically), as {@link Padding2d#SAME} computes it for the ops.
         */
        static Geometry same(boolean quick, int batch, int height, int width, int channels, int kernelHeight,
                             int kernelWidth, int strideHeight, int strideWidth, int dilationHeight, int dilationWidth) {
            Window2d w = new WindowOptions(strideHeight, strideWidth, dilationHeight, dilationWidth, Padding2d.SAME)
                    .over("same", Shape.of(batch, height, width, channels), kernelHeight, kernelWidth);
            return new Geometry(w, "same(" + w.padTop() + "/" + w.padBottom() + "/" + w.padLeft() + "/" + w.padRight()
                    + ")", quick);
        }

        static Geometry padded(String padding, boolean quick, int batch, int height, int width, int channels,
                               int kernelHeight, int kernelWidth, int strideHeight, int strideWidth,
                               int dilationHeight, int dilationWidth, int top, int bottom, int left, int right) {
            Window2d window = Window2d.of(batch, height, width, channels, kernelHeight, kernelWidth, strideHeight,
                    strideWidth, dilationHeight, dilationWidth, top, bottom, left, right);
            return new Geometry(window, padding + "(" + top + "/" + bottom + "/" + left + "/" + right + ")", quick);
        }

        String label() {
            Window2d w = window;
            String label = Labels.shape(w.batch(), w.height(), w.width(), w.channels()) + ",k" + w.kernelHeight() + "x"
                    + w.kernelWidth() + ",s" + w.strideHeight() + "x" + w.strideWidth();
            if (w.dilationHeight() != 1 || w.dilationWidth() != 1) {
                label += ",d" + w.dilationHeight() + "x" + w.dilationWidth();
            }
            return label + "," + padding;
        }

        int image() {
            return Math.toIntExact(window.imageLength());
        }

        int columns() {
            return window.columnRows() * window.columnWidth();
        }

        int pooled() {
            return Math.toIntExact(window.pooledLength());
        }
    }

    private static final List<Geometry> CONVOLUTIONS = List.of(
            Geometry.valid(true, 1, 5, 7, 1, 3, 3, 1, 1, 1, 1),
            Geometry.same(false, 4, 7, 9, 3, 3, 3, 1, 1, 1, 1),
            Geometry.same(true, 3, 6, 5, 1, 2, 2, 1, 1, 1, 1),
            Geometry.same(false, 2, 7, 8, 3, 3, 3, 2, 2, 1, 1),
            Geometry.same(false, 2, 9, 8, 3, 3, 3, 1, 1, 2, 2),
            Geometry.valid(false, 2, 9, 10, 1, 3, 3, 2, 1, 2, 3),
            Geometry.padded("pad", false, 1, 6, 6, 3, 3, 3, 2, 2, 2, 2, 2, 1, 1, 2),
            Geometry.valid(false, 2, 5, 3, 3, 1, 1, 1, 1, 1, 1),
            Geometry.valid(false, 2, 5, 5, 3, 1, 1, 2, 2, 1, 1),
            Geometry.same(false, 2, 6, 6, 8, 3, 3, 1, 1, 1, 1),
            Geometry.same(false, 1, 4, 4, 16, 3, 3, 2, 2, 1, 1),
            Geometry.same(false, 2, 7, 7, 16, 3, 3, 1, 1, 2, 2),
            Geometry.valid(false, 8, 13, 13, 32, 3, 3, 1, 1, 1, 1),
            Geometry.valid(false, 16, 28, 28, 1, 3, 3, 1, 1, 1, 1));

    private static final List<Geometry> POOLINGS = List.of(
            Geometry.valid(true, 1, 5, 7, 1, 2, 2, 2, 2, 1, 1),
            Geometry.valid(false, 4, 6, 6, 3, 2, 2, 2, 2, 1, 1),
            Geometry.same(true, 2, 5, 5, 3, 2, 2, 2, 2, 1, 1),
            Geometry.same(false, 2, 7, 7, 3, 3, 3, 1, 1, 1, 1),
            Geometry.same(false, 3, 7, 9, 1, 3, 3, 2, 2, 1, 1),
            Geometry.valid(false, 2, 6, 7, 3, 3, 2, 1, 2, 1, 1),
            Geometry.valid(false, 2, 5, 5, 3, 1, 1, 2, 2, 1, 1),
            Geometry.valid(false, 2, 6, 6, 8, 2, 2, 2, 2, 1, 1),
            Geometry.same(false, 2, 5, 5, 16, 3, 3, 2, 2, 1, 1),
            Geometry.valid(false, 8, 26, 26, 32, 2, 2, 2, 2, 1, 1));

    /** Max pooling's extra cases: ties everywhere (overlapping windows, and wide channels), and NaN inputs. */
    private static final List<Geometry> TIED = List.of(POOLINGS.get(1), POOLINGS.get(3), POOLINGS.get(8));
    private static final Geometry WITH_NAN = POOLINGS.get(3);

    /** Uniform values in [-2, 2) with about one in eight replaced by NaN. */
    private static final Sampler SOME_NAN = (random, length) -> {
        double[] values = InputRange.uniform(-2, 2).sample(random, length);
        for (int i = 0; i < length; i++) {
            if (random.nextInt(8) == 0) {
                values[i] = Double.NaN;
            }
        }
        return values;
    };

    /** Data movement only: zeros where a tap lies in the padding. */
    private static OpSpec im2col() {
        List<OpCase> cases = new ArrayList<>();
        for (Geometry g : CONVOLUTIONS) {
            cases.add(new OpCase(g.label(), g.quick(), List.of(new Input("image", g.image(), InputRange.uniform(-2, 2))),
                    Tolerances.EXACT, (call, in) -> {
                        Buffer columns = call.allocate(g.columns());
                        call.backend().im2col(g.window(), in.get(0), columns);
                        return List.of(call.output("columns", columns));
                    }));
        }
        return new OpSpec("im2col", List.of(Coverage.of("im2col")), cases);
    }

    /** Each pixel sums up to kernelHeight * kernelWidth column entries; pixels no tap reads are 0. */
    private static OpSpec col2im() {
        List<OpCase> cases = new ArrayList<>();
        for (Geometry g : CONVOLUTIONS) {
            cases.add(new OpCase(g.label(), g.quick(), List.of(new Input("columns", g.columns(),
                    InputRange.uniform(-2, 2))),
                    Tolerances.orderedSum(g.window().taps(), "col2im sum"), (call, in) -> {
                        Buffer image = call.allocate(g.image());
                        call.backend().col2im(g.window(), in.get(0), image);
                        return List.of(call.output("image", image));
                    }));
        }
        return new OpSpec("col2im", List.of(Coverage.of("col2im")), cases);
    }

    private static OpSpec maxPool() {
        List<OpCase> cases = new ArrayList<>();
        for (Geometry g : POOLINGS) {
            cases.add(maxPoolCase(g, "", g.quick(), InputRange.uniform(-2, 2)));
        }
        for (Geometry g : TIED) {
            cases.add(maxPoolCase(g, ",ties", false, TIES));
        }
        cases.add(maxPoolCase(WITH_NAN, ",nan", false, SOME_NAN));
        return new OpSpec("max_pool", List.of(Coverage.of("maxPool")), cases);
    }

    /** A selection: the values and the I32 argmax taps agree exactly, NaN included. */
    private static OpCase maxPoolCase(Geometry g, String variant, boolean quick, Sampler image) {
        return new OpCase(g.label() + variant, quick, List.of(new Input("image", g.image(), image)), Tolerances.EXACT,
                (call, in) -> {
                    Buffer out = call.allocate(g.pooled());
                    Buffer argmax = call.allocateIndices(g.pooled());
                    call.backend().maxPool(g.window(), in.get(0), out, argmax);
                    return List.of(call.output("out", out), call.output("argmax", argmax));
                });
    }

    /** Gradient of a random cotangent, routed by the argmax of the same backend's forward. */
    private static OpSpec maxPoolBackward() {
        List<OpCase> cases = new ArrayList<>();
        for (Geometry g : POOLINGS) {
            cases.add(maxPoolBackwardCase(g, "", g.quick(), InputRange.uniform(-2, 2)));
        }
        for (Geometry g : TIED) {
            cases.add(maxPoolBackwardCase(g, ",ties", false, TIES));
        }
        cases.add(maxPoolBackwardCase(WITH_NAN, ",nan", false, SOME_NAN));
        return new OpSpec("max_pool.backward", List.of(Coverage.of("maxPoolBackward"), Coverage.of("maxPool")),
                cases);
    }

    private static OpCase maxPoolBackwardCase(Geometry g, String variant, boolean quick, Sampler image) {
        List<Input> inputs = List.of(new Input("image", g.image(), image),
                new Input("gradOut", g.pooled(), InputRange.uniform(-1, 1)));
        return new OpCase(g.label() + variant, quick, inputs,
                Tolerances.orderedSum(g.window().taps(), "max-pool gradient sum"), (call, in) -> {
                    Buffer out = call.allocate(g.pooled());
                    Buffer argmax = call.allocateIndices(g.pooled());
                    Buffer gradImage = call.allocate(g.image());
                    call.backend().maxPool(g.window(), in.get(0), out, argmax);
                    call.backend().maxPoolBackward(g.window(), in.get(1), argmax, gradImage);
                    return List.of(call.output("gradImage", gradImage));
                });
    }

    private static OpSpec avgPool() {
        List<OpCase> cases = new ArrayList<>();
        for (Geometry g : POOLINGS) {
            cases.add(new OpCase(g.label(), g.quick(), List.of(new Input("image", g.image(), InputRange.uniform(-2, 2))),
                    Tolerances.orderedSum(g.window().taps(), "average-pool sum and division"), (call, in) -> {
                        Buffer out = call.allocate(g.pooled());
                        call.backend().avgPool(g.window(), in.get(0), out);
                        return List.of(call.output("out", out));
                    }));
        }
        return new OpSpec("avg_pool", List.of(Coverage.of("avgPool")), cases);
    }

    private static OpSpec avgPoolBackward() {
        List<OpCase> cases = new ArrayList<>();
        for (Geometry g : POOLINGS) {
            cases.add(new OpCase(g.label(), g.quick(), List.of(new Input("gradOut", g.pooled(),
                    InputRange.uniform(-1, 1))),
                    Tolerances.orderedSum(g.window().taps(), "average-pool gradient sum of quotients"), (call, in) -> {
                        Buffer gradImage = call.allocate(g.image());
                        call.backend().avgPoolBackward(g.window(), in.get(0), gradImage);
                        return List.of(call.output("gradImage", gradImage));
                    }));
        }
        return new OpSpec("avg_pool.backward", List.of(Coverage.of("avgPoolBackward")), cases);
    }
}
