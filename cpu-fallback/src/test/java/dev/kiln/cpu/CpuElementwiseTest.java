package dev.kiln.cpu;

import static dev.kiln.cpu.HostData.assertClose;
import static dev.kiln.cpu.HostData.get;
import static dev.kiln.cpu.HostData.put;
import static dev.kiln.cpu.HostData.tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.UnaryOp;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Unary ops, their derivatives and broadcasting binary ops against hand-computed answers. */
class CpuElementwiseTest {
    private final CpuBackend backend = new CpuBackend();

    @AfterEach
    void close() {
        backend.close();
    }

    /** Inputs x, expected f(x) and, for gradOut = GRAD_OUT, expected gradOut * f'(x). */
    private record UnaryCase(double a, double b, double[] x, double[] y, double[] gradIn) {
    }

    private static final double[] GRAD_OUT = {1, 2, -1, 0.5};

    private static final Map<UnaryOp, UnaryCase> UNARY = Map.ofEntries(
            Map.entry(UnaryOp.AFFINE, new UnaryCase(2, 1, new double[] {-2.0, -0.5, 0.5, 3.0},
                    new double[] {-3.0, 0.0, 2.0, 7.0},
                    new double[] {2.0, 4.0, -2.0, 1.0})),
            Map.entry(UnaryOp.EXP, new UnaryCase(0, 0, new double[] {-2.0, -0.5, 0.5, 3.0},
                    new double[] {0.1353352832366127, 0.6065306597126334, 1.6487212707001282, 20.085536923187668},
                    new double[] {0.1353352832366127, 1.2130613194252668, -1.6487212707001282, 10.042768461593834})),
            Map.entry(UnaryOp.LOG, new UnaryCase(0, 0, new double[] {0.25, 1.0, 2.0, 9.0},
                    new double[] {-1.3862943611198906, 0.0, 0.6931471805599453, 2.1972245773362196},
                    new double[] {4.0, 2.0, -0.5, 0.05555555555555555})),
            Map.entry(UnaryOp.SQRT, new UnaryCase(0, 0, new double[] {0.25, 1.0, 2.0, 9.0},
                    new double[] {0.5, 1.0, 1.4142135623730951, 3.0},
                    new double[] {1.0, 1.0, -0.35355339059327373, 0.08333333333333333})),
            Map.entry(UnaryOp.SQUARE, new UnaryCase(0, 0, new double[] {-2.0, -0.5, 0.5, 3.0},
                    new double[] {4.0, 0.25, 0.25, 9.0},
                    new double[] {-4.0, -2.0, -1.0, 3.0})),
            Map.entry(UnaryOp.ABS, new UnaryCase(0, 0, new double[] {-2.0, -0.5, 0.5, 3.0},
                    new double[] {2.0, 0.5, 0.5, 3.0},
                    new double[] {-1.0, -2.0, -1.0, 0.5})),
            Map.entry(UnaryOp.RECIPROCAL, new UnaryCase(0, 0, new double[] {0.25, 1.0, 2.0, 9.0},
                    new double[] {4.0, 1.0, 0.5, 0.1111111111111111},
                    new double[] {-16.0, -2.0, 0.25, -0.006172839506172839})),
            Map.entry(UnaryOp.RELU, new UnaryCase(0, 0, new double[] {-2.0, -0.5, 0.5, 3.0},
                    new double[] {0.0, 0.0, 0.5, 3.0},
                    new double[] {0.0, 0.0, -1.0, 0.5})),
            Map.entry(UnaryOp.LEAKY_RELU, new UnaryCase(0.1, 0, new double[] {-2.0, -0.5, 0.5, 3.0},
                    new double[] {-0.2, -0.05, 0.5, 3.0},
                    new double[] {0.1, 0.2, -1.0, 0.5})),
            Map.entry(UnaryOp.ELU, new UnaryCase(1.5, 0, new double[] {-2.0, -0.5, 0.5, 3.0},
                    new double[] {-1.296997075145081, -0.5902040104310499, 0.5, 3.0},
                    new double[] {0.203002924854919, 1.8195919791379003, -1.0, 0.5})),
            Map.entry(UnaryOp.SIGMOID, new UnaryCase(0, 0, new double[] {-2.0, -0.5, 0.5, 3.0},
                    new double[] {0.11920292202211755, 0.3775406687981454, 0.6224593312018546, 0.9525741268224334},
                    new double[] {0.1049935854035065, 0.470007424403189, -0.2350037122015945, 0.022588329865456})),
            Map.entry(UnaryOp.TANH, new UnaryCase(0, 0, new double[] {-2.0, -0.5, 0.5, 3.0},
                    new double[] {-0.9640275800758169, -0.46211715726000974, 0.46211715726000974, 0.9950547536867305},
                    new double[] {0.07065082485316443, 1.5728954659318548, -0.7864477329659274, 0.004933018582720106})),
            Map.entry(UnaryOp.SOFTPLUS, new UnaryCase(0, 0, new double[] {-2.0, -0.5, 0.5, 3.0},
                    new double[] {0.1269280110429725, 0.4740769841801067, 0.9740769841801067, 3.048587351573742},
                    new double[] {0.11920292202211755, 0.7550813375962908, -0.6224593312018546, 0.4762870634112167})),
            Map.entry(UnaryOp.CLIP, new UnaryCase(-1, 1, new double[] {-2.0, -0.5, 0.5, 3.0},
                    new double[] {-1.0, -0.5, 0.5, 1.0},
                    new double[] {0.0, 2.0, -1.0, 0.0})));

    @Test
    void everyUnaryOpHasAKnownAnswer() {
        assertEquals(EnumSet.allOf(UnaryOp.class), EnumSet.copyOf(UNARY.keySet()));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void unaryForwardAndBackward(DType dtype) {
        for (Map.Entry<UnaryOp, UnaryCase> entry : UNARY.entrySet()) {
            UnaryOp op = entry.getKey();
            UnaryCase c = entry.getValue();
            Buffer x = put(backend, dtype, c.x());
            Buffer y = backend.allocate(dtype, c.x().length);
            backend.unary(op, c.a(), c.b(), x, y);
            assertClose(c.y(), get(backend, y), tolerance(dtype), op + " forward");
            Buffer gradIn = backend.allocate(dtype, c.x().length);
            backend.unaryBackward(op, c.a(), c.b(), x, y, put(backend, dtype, GRAD_OUT), gradIn);
            assertClose(c.gradIn(), get(backend, gradIn), tolerance(dtype), op + " backward");
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void unaryInPlace(DType dtype) {
        Buffer x = put(backend, dtype, -1, 2);
        backend.unary(UnaryOp.SQUARE, 0, 0, x, x);
        assertArrayEquals(new double[] {1, 4}, get(backend, x));
    }

    @Test
    void extremeInputsStayFinite() {
        Buffer x = put(backend, DType.F32, -1000, 1000);
        Buffer y = backend.allocate(DType.F32, 2);
        backend.unary(UnaryOp.SIGMOID, 0, 0, x, y);
        assertArrayEquals(new double[] {0, 1}, get(backend, y));
        backend.unary(UnaryOp.SOFTPLUS, 0, 0, x, y);
        assertArrayEquals(new double[] {0, 1000}, get(backend, y));
    }

    @Test
    void nanPropagatesThroughReluAndMaximum() {
        Buffer x = put(backend, DType.F64, Double.NaN, 1);
        Buffer y = backend.allocate(DType.F64, 2);
        backend.unary(UnaryOp.RELU, 0, 0, x, y);
        assertEquals(Double.NaN, get(backend, y)[0]);
        backend.binary(BinaryOp.MAXIMUM, Broadcast.same(2), x, put(backend, DType.F64, 5, 5), y);
        assertArrayEquals(new double[] {Double.NaN, 5}, get(backend, y));
    }

    // a = [[1, -2, 3], [4, 5, -6]] against b = [[2, 2, 3], [-1, 5, 4]].
    private static final double[] A = {1, -2, 3, 4, 5, -6};
    private static final double[] B = {2, 2, 3, -1, 5, 4};
    private static final Map<BinaryOp, double[]> SAME_SHAPE = Map.of(
            BinaryOp.ADD, new double[] {3, 0, 6, 3, 10, -2},
            BinaryOp.SUB, new double[] {-1, -4, 0, 5, 0, -10},
            BinaryOp.MUL, new double[] {2, -4, 9, -4, 25, -24},
            BinaryOp.DIV, new double[] {0.5, -1, 1, -4, 1, -1.5},
            BinaryOp.MAXIMUM, new double[] {2, 2, 3, 4, 5, 4},
            BinaryOp.MINIMUM, new double[] {1, -2, 3, -1, 5, -6},
            BinaryOp.EQUAL, new double[] {0, 0, 1, 0, 1, 0},
            BinaryOp.GREATER, new double[] {0, 0, 0, 1, 0, 0});

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void everyBinaryOpOnSameShapes(DType dtype) {
        assertEquals(EnumSet.allOf(BinaryOp.class), EnumSet.copyOf(SAME_SHAPE.keySet()));
        for (Map.Entry<BinaryOp, double[]> entry : SAME_SHAPE.entrySet()) {
            Buffer out = backend.allocate(dtype, 6);
            backend.binary(entry.getKey(), new Broadcast(1, 2, 3, Broadcast.ALL, Broadcast.ALL),
                    put(backend, dtype, A), put(backend, dtype, B), out);
            assertArrayEquals(entry.getValue(), get(backend, out), entry.getKey().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void broadcastLayoutsByHand(DType dtype) {
        // bias row [10, 20, 30] added to every row of a
        assertArrayEquals(new double[] {11, 18, 33, 14, 25, 24},
                binary(dtype, BinaryOp.SUB, new Broadcast(1, 2, 3, Broadcast.ALL, Broadcast.INNER), A, -10, -20, -30));
        // per-row column [2, -1] multiplying a
        assertArrayEquals(new double[] {2, -4, 6, -4, -5, 6},
                binary(dtype, BinaryOp.MUL, new Broadcast(1, 2, 3, Broadcast.ALL, Broadcast.MIDDLE), A, 2, -1));
        // a scalar divided by every element: operand a spans no axis
        assertClose(new double[] {6, -3, 2, 1.5, 1.2, -1},
                binary(dtype, BinaryOp.DIV, new Broadcast(1, 2, 3, 0, Broadcast.ALL), new double[] {6}, A),
                tolerance(dtype), "scalar over a");
        // per-channel bias over [N=2, C=2, HW=2]
        assertArrayEquals(new double[] {1, 2, 13, 14, 5, 6, 17, 18},
                binary(dtype, BinaryOp.ADD, new Broadcast(2, 2, 2, Broadcast.ALL, Broadcast.MIDDLE),
                        new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, 10));
        // outer product of a column [1, 2] and a row [3, 4, 5]
        assertArrayEquals(new double[] {3, 4, 5, 6, 8, 10},
                binary(dtype, BinaryOp.MUL, new Broadcast(1, 2, 3, Broadcast.MIDDLE, Broadcast.INNER),
                        new double[] {1, 2}, 3, 4, 5));
        // greater-than against a per-sample threshold over [N=2, 1, 3] spanning OUTER
        assertArrayEquals(new double[] {1, 0, 1, 0, 0, 0},
                binary(dtype, BinaryOp.GREATER, new Broadcast(2, 1, 3, Broadcast.ALL, Broadcast.OUTER), A, 0, 6));
    }

    private double[] binary(DType dtype, BinaryOp op, Broadcast shape, double[] a, double... b) {
        Buffer out = backend.allocate(dtype, shape.length());
        backend.binary(op, shape, put(backend, dtype, a), put(backend, dtype, b), out);
        return get(backend, out);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void everyAxisMaskMatchesTheIndexFormula(DType dtype) {
        Random random = new Random(17);
        int outer = 2, middle = 3, inner = 4;
        for (BinaryOp op : BinaryOp.values()) {
            for (int aAxes = 0; aAxes <= Broadcast.ALL; aAxes++) {
                for (int bAxes = 0; bAxes <= Broadcast.ALL; bAxes++) {
                    Broadcast shape = new Broadcast(outer, middle, inner, aAxes, bAxes);
                    double[] a = HostData.uniform(random, (int) shape.operandLength(aAxes), 1, 2);
                    double[] b = HostData.uniform(random, (int) shape.operandLength(bAxes), 1, 2);
                    a = HostData.roundedToFloat(a);
                    b = HostData.roundedToFloat(b);
                    double[] expected = new double[(int) shape.length()];
                    for (int o = 0; o < outer; o++) {
                        for (int m = 0; m < middle; m++) {
                            for (int i = 0; i < inner; i++) {
                                double x = a[(int) shape.operandIndex(aAxes, o, m, i)];
                                double z = b[(int) shape.operandIndex(bAxes, o, m, i)];
                                expected[(o * middle + m) * inner + i] = reference(op, x, z);
                            }
                        }
                    }
                    Buffer out = backend.allocate(dtype, expected.length);
                    backend.binary(op, shape, put(backend, dtype, a), put(backend, dtype, b), out);
                    assertClose(dtype == DType.F32 ? HostData.roundedToFloat(expected) : expected, get(backend, out),
                            tolerance(dtype), op + " masks " + aAxes + "/" + bAxes);
                }
            }
        }
    }

    private static double reference(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case EQUAL -> a == b ? 1 : 0;
            case GREATER -> a > b ? 1 : 0;
        };
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void outMayBeTheFullSizeOperand(DType dtype) {
        Buffer a = put(backend, dtype, A);
        backend.binary(BinaryOp.MUL, new Broadcast(1, 2, 3, Broadcast.ALL, Broadcast.MIDDLE), a, put(backend, dtype, 2, 0), a);
        assertArrayEquals(new double[] {2, -4, 6, 0, 0, -0.0}, get(backend, a));
    }
}
