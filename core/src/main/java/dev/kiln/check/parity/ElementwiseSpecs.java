package dev.kiln.check.parity;

import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Specs of {@code unary}, {@code unaryBackward} and {@code binary}: every constant, forward and backward. */
final class ElementwiseSpecs {
    /**
     * 1x1, a prime rectangle (the quick case), lengths around vector widths 8, 16 and 32 and work-group sizes 64 and
     * 256, whole vectors only (16, 256: no element left over on any width), and a large one.
     */
    private static final int[][] SHAPES = {{1, 1}, {7, 93}, {1, 7}, {1, 9}, {1, 16}, {1, 31}, {1, 33}, {1, 63},
        {1, 65}, {1, 255}, {1, 257}, {4, 64}, {33, 31}, {301, 1031}};
    private static final int[] QUICK_SHAPE = {7, 93};

    private ElementwiseSpecs() {
    }

    static List<OpSpec> all() {
        List<OpSpec> specs = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            specs.add(unaryForward(op));
            specs.add(unaryBackward(op));
        }
        for (BinaryOp op : BinaryOp.values()) {
            specs.add(binary(op));
        }
        return specs;
    }

    /**
     * Input range and parameters of each function, away from its kinks and poles so that a rounding difference
     * cannot switch a branch.
     */
    private record Domain(InputRange x, double a, double b) {
    }

    private static Domain domain(UnaryOp op) {
        return switch (op) {
            case AFFINE -> new Domain(InputRange.uniform(-2, 2), 1.75, -0.375);
            case EXP -> new Domain(InputRange.uniform(-4, 4), 0, 0);
            case LOG, SQRT -> new Domain(InputRange.uniform(0.05, 8), 0, 0);
            case SQUARE -> new Domain(InputRange.uniform(-3, 3), 0, 0);
            case ABS, RELU -> new Domain(InputRange.avoiding(-2, 2, 0.05, 0), 0, 0);
            case RECIPROCAL -> new Domain(InputRange.avoiding(-4, 4, 0.25, 0), 0, 0);
            case LEAKY_RELU -> new Domain(InputRange.avoiding(-2, 2, 0.05, 0), 0.15, 0);
            case ELU -> new Domain(InputRange.avoiding(-3, 3, 0.05, 0), 1.3, 0);
            case SIGMOID, SOFTPLUS -> new Domain(InputRange.uniform(-6, 6), 0, 0);
            case TANH -> new Domain(InputRange.uniform(-3, 3), 0, 0);
            case CLIP -> new Domain(InputRange.avoiding(-2, 2, 0.05, -0.8, 1.1), -0.8, 1.1);
        };
    }

    private static OpSpec unaryForward(UnaryOp op) {
        Domain domain = domain(op);
        List<OpCase> cases = new ArrayList<>();
        for (int[] dims : SHAPES) {
            int n = dims[0] * dims[1];
            cases.add(new OpCase(Labels.shape(dims), Arrays.equals(dims, QUICK_SHAPE), List.of(new Input("x", n,
                    domain.x())),
                    Tolerances.elementwise(), (call, in) -> {
                        Buffer out = call.allocate(n);
                        call.backend().unary(op, domain.a(), domain.b(), in.get(0), out);
                        return List.of(call.output("out", out));
                    }));
        }
        int n = QUICK_SHAPE[0] * QUICK_SHAPE[1];
        cases.add(new OpCase(Labels.shape(QUICK_SHAPE) + ",in-place", false, List.of(new Input("x", n, domain.x())),
                Tolerances.elementwise(), (call, in) -> {
                    call.backend().unary(op, domain.a(), domain.b(), in.get(0), in.get(0));
                    return List.of(call.output("out", in.get(0)));
                }));
        return new OpSpec(Labels.name(op), List.of(Coverage.of("unary", op)), cases);
    }

    /** Gradient of a random cotangent; y comes from the same backend's forward, as in training. */
    private static OpSpec unaryBackward(UnaryOp op) {
        Domain domain = domain(op);
        List<OpCase> cases = new ArrayList<>();
        for (int[] dims : SHAPES) {
            int n = dims[0] * dims[1];
            List<Input> inputs = List.of(new Input("x", n, domain.x()), new Input("gradOut", n,
                    InputRange.uniform(-1, 1)));
            cases.add(new OpCase(Labels.shape(dims), Arrays.equals(dims, QUICK_SHAPE), inputs, Tolerances.derivative(),
                    (call, in) -> {
                        Buffer y = call.allocate(n);
                        Buffer gradIn = call.allocate(n);
                        call.backend().unary(op, domain.a(), domain.b(), in.get(0), y);
                        call.backend().unaryBackward(op, domain.a(), domain.b(), in.get(0), y, in.get(1), gradIn);
                        return List.of(call.output("gradIn", gradIn));
                    }));
        }
        return new OpSpec(Labels.name(op) + ".backward", List.of(Coverage.of("unaryBackward", op),
                Coverage.of("unary", op)),
                cases);
    }

    /**
     * A broadcast layout over a 2-D {@code [m, n]} or 3-D {@code [o, c, hw]} shape.
     *
     * @param name label in reports
     * @param threeDimensional whether it spans the outer axis
     * @param aAxes axes operand a spans
     * @param bAxes axes operand b spans
     */
    private record Layout(String name, boolean threeDimensional, int aAxes, int bAxes) {
    }

    private static final List<Layout> LAYOUTS = List.of(
            new Layout("same", false, Broadcast.ALL, Broadcast.ALL),
            new Layout("row", false, Broadcast.ALL, Broadcast.INNER),
            new Layout("bias", false, Broadcast.ALL, Broadcast.OUTER | Broadcast.INNER),
            new Layout("column", false, Broadcast.ALL, Broadcast.MIDDLE),
            new Layout("scalar", false, Broadcast.ALL, 0),
            new Layout("row-a", false, Broadcast.INNER, Broadcast.ALL),
            new Layout("outer", false, Broadcast.MIDDLE, Broadcast.INNER),
            new Layout("channel", true, Broadcast.ALL, Broadcast.MIDDLE),
            new Layout("batch", true, Broadcast.ALL, Broadcast.MIDDLE | Broadcast.INNER),
            new Layout("sample", true, Broadcast.ALL, Broadcast.OUTER));
    /** Rows of 48 (a multiple of every vector width) take the OpenCL vector kernel for row operands too. */
    private static final int[][] SHAPES_2D = {{1, 1}, {7, 93}, {63, 65}, {257, 129}, {129, 48}};
    private static final int[][] SHAPES_3D = {{3, 17, 5}, {2, 64, 33}};

    private static OpSpec binary(BinaryOp op) {
        InputRange a = op == BinaryOp.EQUAL || op == BinaryOp.GREATER ? InputRange.integers(-2,
                2) : InputRange.uniform(-2, 2);
        InputRange b = switch (op) {
            case DIV -> InputRange.avoiding(-2, 2, 0.25, 0);
            case EQUAL, GREATER -> InputRange.integers(-2, 2);
            default -> InputRange.uniform(-2, 2);
        };
        Tolerances tolerances = switch (op) {
            case MAXIMUM, MINIMUM, EQUAL, GREATER -> Tolerances.EXACT;
            default -> Tolerances.elementwise();
        };
        List<OpCase> cases = new ArrayList<>();
        for (Layout layout : LAYOUTS) {
            for (int[] dims : layout.threeDimensional() ? SHAPES_3D : SHAPES_2D) {
                Broadcast shape = layout.threeDimensional()
                        ? new Broadcast(dims[0], dims[1], dims[2], layout.aAxes(), layout.bAxes())
                        : new Broadcast(1, dims[0], dims[1], layout.aAxes(), layout.bAxes());
                boolean quick = dims[0] == 7 && (layout.name().equals("same") || layout.name().equals("row"))
                        || dims[0] == 3 && layout.name().equals("channel");
                cases.add(binaryCase(op, Labels.shape(dims) + "," + layout.name(), quick, shape, a, b, tolerances,
                        false));
            }
        }
        cases.add(binaryCase(op, "7x93,same,in-place", false, new Broadcast(1, 7, 93, Broadcast.ALL, Broadcast.ALL),
                a, b, tolerances, true));
        return new OpSpec(Labels.name(op), List.of(Coverage.of("binary", op)), cases);
    }

    private static OpCase binaryCase(BinaryOp op, String label, boolean quick, Broadcast shape, InputRange a,
                                     InputRange b, Tolerances tolerances, boolean inPlace) {
        List<Input> inputs = List.of(new Input("a", (int) shape.operandLength(shape.aAxes()), a),
                new Input("b", (int) shape.operandLength(shape.bAxes()), b));
        return new OpCase(label, quick, inputs, tolerances, (call, in) -> {
            Buffer out = inPlace ? in.get(0) : call.allocate(shape.length());
            call.backend().binary(op, shape, in.get(0), in.get(1), out);
            return List.of(call.output("out", out));
        });
    }
}
