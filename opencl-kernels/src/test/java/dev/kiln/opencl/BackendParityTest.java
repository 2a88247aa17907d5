package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.backend.Activation;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.Distribution;
import dev.kiln.backend.PendingDownload;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.SequenceStep;
import dev.kiln.backend.UnaryOp;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import dev.kiln.backend.Window2d;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every Backend primitive and enum constant on OpenCL against the CPU backend, on random inputs of several shapes;
 * the last test checks by reflection that every primitive and constant was compared.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackendParityTest {
    private static final int[] LENGTHS = {1, 7, 1000, 4099};
    /** Backend methods that compute nothing to compare. */
    private static final Set<String> NOT_COMPARED = Set.of("name", "device", "supports", "liveBuffers", "memory",
            "transfers", "synchronize", "close", "lock", "isClosed");
    /** Backend methods called during the comparisons, and "method:CONSTANT" for those taking an enum. */
    private static final Set<String> CALLED = ConcurrentHashMap.newKeySet();

    private final OpenClBackend backend = OpenClTestSupport.backend();
    private final Parity parity = new Parity(recording(backend), OpenClTestSupport.reference());
    private final Random random = new Random(42);

    private static double atol(DType dtype) {
        return dtype == DType.F64 ? 1e-12 : 1e-6;
    }

    private static double rtol(DType dtype) {
        return dtype == DType.F64 ? 1e-10 : 1e-5;
    }

    private void requireSupported(DType dtype) {
        assumeTrue(backend.supports(dtype), backend.device().name() + " has no " + dtype);
    }

    private static double[] parameters(UnaryOp op) {
        return switch (op) {
            case AFFINE -> new double[] {1.5, -0.25};
            case LEAKY_RELU -> new double[] {0.1, 0};
            case ELU -> new double[] {1.2, 0};
            case CLIP -> new double[] {-0.5, 0.7};
            default -> new double[] {0, 0};
        };
    }

    private double[] unaryInput(UnaryOp op, int n) {
        return switch (op) {
            case LOG, SQRT, RECIPROCAL -> Parity.uniform(random, n, 0.1, 3);
            default -> Parity.uniform(random, n, -3, 3);
        };
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void unaryForwardAndBackward(DType dtype) {
        requireSupported(dtype);
        for (UnaryOp op : UnaryOp.values()) {
            double a = parameters(op)[0];
            double b = parameters(op)[1];
            for (int n : LENGTHS) {
                double[] x = unaryInput(op, n);
                parity.check(op + " forward n=" + n, dtype, atol(dtype), rtol(dtype), new double[][] {x}, new long[] {n},
                        (be, buf) -> be.unary(op, a, b, buf[0], buf[1]));
                double[] y = Parity.run(OpenClTestSupport.reference(), dtype, new double[][] {x}, new long[] {n},
                        (be, buf) -> be.unary(op, a, b, buf[0], buf[1]))[1];
                double[] g = Parity.uniform(random, n, -1, 1);
                parity.check(op + " backward n=" + n, dtype, atol(dtype), rtol(dtype), new double[][] {x, y, g}, new long[] {n},
                        (be, buf) -> be.unaryBackward(op, a, b, buf[0], buf[1], buf[2], buf[3]));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void unaryInPlace(DType dtype) {
        requireSupported(dtype);
        double[] x = Parity.uniform(random, 257, -3, 3);
        parity.check("TANH in place", dtype, atol(dtype), rtol(dtype), new double[][] {x}, new long[0],
                (be, buf) -> be.unary(UnaryOp.TANH, 0, 0, buf[0], buf[0]));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void binaryWithBroadcasting(DType dtype) {
        requireSupported(dtype);
        int all = Broadcast.ALL;
        Broadcast[] shapes = {
            Broadcast.same(1), Broadcast.same(4099),
            new Broadcast(1, 37, 21, all, Broadcast.INNER),
            new Broadcast(1, 37, 21, all, Broadcast.MIDDLE),
            new Broadcast(5, 3, 7, all, Broadcast.MIDDLE),
            new Broadcast(5, 3, 7, Broadcast.OUTER | Broadcast.INNER, all),
            new Broadcast(4, 6, 2, Broadcast.MIDDLE, Broadcast.OUTER),
            new Broadcast(3, 2, 5, 0, all)};
        for (BinaryOp op : BinaryOp.values()) {
            for (Broadcast shape : shapes) {
                int na = (int) shape.operandLength(shape.aAxes());
                int nb = (int) shape.operandLength(shape.bAxes());
                boolean compare = op == BinaryOp.EQUAL || op == BinaryOp.GREATER || op == BinaryOp.MAXIMUM || op == BinaryOp.MINIMUM;
                double[] a = compare ? Parity.levels(random, na, 3) : Parity.uniform(random, na, -2, 2);
                double[] b = compare ? Parity.levels(random, nb, 3)
                        : op == BinaryOp.DIV ? Parity.uniform(random, nb, 0.5, 2) : Parity.uniform(random, nb, -2, 2);
                parity.check(op + " " + shape, dtype, atol(dtype), rtol(dtype), new double[][] {a, b},
                        new long[] {shape.length()}, (be, buf) -> be.binary(op, shape, buf[0], buf[1], buf[2]));
            }
        }
        double[] x = Parity.uniform(random, 100, -2, 2);
        double[] y = Parity.uniform(random, 100, -2, 2);
        parity.check("MUL in place", dtype, atol(dtype), rtol(dtype), new double[][] {x, y}, new long[0],
                (be, buf) -> be.binary(BinaryOp.MUL, Broadcast.same(100), buf[0], buf[1], buf[0]));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void reductionsAlongTheMiddleAxis(DType dtype) {
        requireSupported(dtype);
        int[][] shapes = {{1, 1, 1}, {3, 5, 7}, {1, 1000, 1}, {4, 300, 1}, {2, 7, 1}, {1, 13, 64}, {2, 4099, 1}};
        for (ReduceOp op : ReduceOp.values()) {
            for (int[] s : shapes) {
                int n = s[0] * s[1] * s[2];
                double[] x = op == ReduceOp.ARGMAX ? Parity.levels(random, n, 5) : Parity.uniform(random, n, -2, 2);
                double tolerance = dtype == DType.F64 ? 1e-12 : 2e-6 * Math.sqrt(s[1]);
                parity.check(op + " " + s[0] + "x" + s[1] + "x" + s[2], dtype, tolerance, 10 * rtol(dtype),
                        new double[][] {x}, new long[] {(long) s[0] * s[2]},
                        (be, buf) -> be.reduce(op, s[0], s[1], s[2], buf[0], buf[1]));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void softmaxForwardAndBackward(DType dtype) {
        requireSupported(dtype);
        int[][] shapes = {{1, 1}, {3, 10}, {128, 10}, {2, 1000}};
        for (boolean log : new boolean[] {false, true}) {
            for (int[] s : shapes) {
                int n = s[0] * s[1];
                double[] x = Parity.uniform(random, n, -5, 5);
                String name = (log ? "log_softmax " : "softmax ") + s[0] + "x" + s[1];
                parity.check(name, dtype, atol(dtype), 10 * rtol(dtype), new double[][] {x}, new long[] {n},
                        (be, buf) -> be.softmax(log, s[0], s[1], buf[0], buf[1]));
                double[] y = Parity.run(OpenClTestSupport.reference(), dtype, new double[][] {x}, new long[] {n},
                        (be, buf) -> be.softmax(log, s[0], s[1], buf[0], buf[1]))[1];
                double[] g = Parity.uniform(random, n, -1, 1);
                parity.check(name + " backward", dtype, 10 * atol(dtype), 10 * rtol(dtype), new double[][] {y, g}, new long[] {n},
                        (be, buf) -> be.softmaxBackward(log, s[0], s[1], buf[0], buf[1], buf[2]));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void softmaxCrossEntropyForwardAndBackward(DType dtype) {
        requireSupported(dtype);
        int[][] shapes = {{1, 1}, {5, 3}, {128, 10}, {3, 700}};
        for (int[] s : shapes) {
            int n = s[0] * s[1];
            double[] logits = Parity.uniform(random, n, -4, 4);
            double[] targets = new double[n];
            for (int r = 0; r < s[0]; r++) {
                if (r % 2 == 0) {
                    targets[r * s[1] + random.nextInt(s[1])] = 1;
                } else {
                    double[] soft = Parity.uniform(random, s[1], 0, 1);
                    for (int c = 0; c < s[1]; c++) {
                        targets[r * s[1] + c] = soft[c];
                    }
                }
            }
            parity.check("softmaxCrossEntropy " + s[0] + "x" + s[1], dtype, 10 * atol(dtype), 10 * rtol(dtype),
                    new double[][] {logits, targets}, new long[] {n, s[0]},
                    (be, buf) -> be.softmaxCrossEntropy(s[0], s[1], buf[0], buf[1], buf[2], buf[3]));
            parity.check("softmaxCrossEntropyTotal " + s[0] + "x" + s[1], dtype, 10 * atol(dtype), 10 * rtol(dtype),
                    new double[][] {logits, targets}, new long[] {n, 1},
                    (be, buf) -> be.softmaxCrossEntropyTotal(s[0], s[1], 1.0 / s[0], buf[0], buf[1], buf[2], buf[3]));
            double[] probabilities = Parity.run(OpenClTestSupport.reference(), dtype, new double[][] {logits, targets},
                    new long[] {n, s[0]}, (be, buf) -> be.softmaxCrossEntropy(s[0], s[1], buf[0], buf[1], buf[2], buf[3]))[2];
            double[] gradLosses = Parity.uniform(random, s[0], -1, 1);
            parity.check("softmaxCrossEntropyBackward " + s[0] + "x" + s[1], dtype, 10 * atol(dtype), 10 * rtol(dtype),
                    new double[][] {probabilities, targets, gradLosses}, new long[] {n},
                    (be, buf) -> be.softmaxCrossEntropyBackward(s[0], s[1], 1, buf[0], buf[1], buf[2], buf[3]));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void oneHotWithOutOfRangeIndices(DType dtype) {
        requireSupported(dtype);
        double[] indices = {0, 3, -1, 4, 2, 1, Integer.MIN_VALUE, Integer.MAX_VALUE};
        parity.check("oneHot", dtype, 0, 0, new double[][] {indices}, new boolean[] {true},
                new long[] {indices.length * 4L}, (be, buf) -> be.oneHot(indices.length, 4, buf[0], buf[1]));
    }

    /** Rows of few distinct values (ties), a NaN row, and labels one-hot, tied, or indices one beyond each end. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void argmaxMatchesAddToTheTotal(DType dtype) {
        requireSupported(dtype);
        int rows = 1000;
        int cols = 7;
        double[] predictions = new double[rows * cols];
        double[] oneHot = new double[rows * cols];
        double[] indices = new double[rows];
        for (int i = 0; i < predictions.length; i++) {
            predictions[i] = random.nextInt(3);
        }
        predictions[5 * cols + 4] = Double.NaN;
        for (int r = 0; r < rows; r++) {
            indices[r] = random.nextInt(-1, cols + 1);
            oneHot[r * cols + random.nextInt(cols)] = 1;
        }
        double[] total = {12};
        parity.check("addArgmaxMatches", dtype, 0, 0, new double[][] {predictions, oneHot, total}, new long[0],
                (be, buf) -> be.addArgmaxMatches(rows, cols, buf[0], buf[1], false, buf[2]));
        parity.check("addArgmaxMatches tied labels", dtype, 0, 0, new double[][] {predictions, predictions.clone(),
                total}, new long[0], (be, buf) -> be.addArgmaxMatches(rows, cols, buf[0], buf[1], false, buf[2]));
        parity.check("addArgmaxMatches indices", dtype, 0, 0, new double[][] {predictions, indices, total},
                new boolean[] {false, true, false}, new long[0],
                (be, buf) -> be.addArgmaxMatches(rows, cols, buf[0], buf[1], true, buf[2]));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void histogramCountsAcrossManyChunks(DType dtype) {
        requireSupported(dtype);
        double[] x = Parity.uniform(random, 70001, -1.2, 2.2);
        x[0] = -1;
        x[1] = 2;
        x[2] = Double.NaN;
        x[3] = -1 + 3.0 / 7;
        parity.check("histogram", dtype, 0, 0, new double[][] {x, new double[7]}, new boolean[] {false, true},
                new long[0], (be, buf) -> be.histogram(buf[0], -1, 2, 7, buf[1]));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void fusedOptimizerUpdates(DType dtype) {
        requireSupported(dtype);
        UpdateParameters hyper = new UpdateParameters(0.01, 0.9, 0.999, 1e-7, 0.01, 3);
        for (UpdateRule rule : UpdateRule.values()) {
            for (int n : new int[] {1, 1000}) {
                double[][] inputs = new double[2 + rule.stateCount()][];
                inputs[0] = Parity.uniform(random, n, -1, 1);
                inputs[1] = Parity.uniform(random, n, -1, 1);
                for (int s = 0; s < rule.stateCount(); s++) {
                    boolean squares = rule == UpdateRule.RMSPROP || rule == UpdateRule.ADAGRAD || s == 1;
                    inputs[2 + s] = squares ? Parity.uniform(random, n, 0, 0.5) : Parity.uniform(random, n, -0.5, 0.5);
                }
                parity.check(rule + " n=" + n, dtype, atol(dtype), rtol(dtype), inputs, new long[0], (be, buf) -> {
                    be.update(rule, hyper, buf[0], buf[1], java.util.Arrays.copyOfRange(buf, 2, buf.length));
                });
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void fusedDenseLayerCalls(DType dtype) {
        requireSupported(dtype);
        int m = 37;
        int n = 21;
        int k = 45;
        for (Activation f : Activation.values()) {
            double alpha = f == Activation.IDENTITY ? 0 : 0.25;
            double[] a = Parity.uniform(random, m * k, -1, 1);
            double[] b = Parity.uniform(random, k * n, -1, 1);
            double[] bias = Parity.uniform(random, n, -1, 1);
            double tolerance = dtype == DType.F64 ? 1e-12 * k : 1e-6 * k;
            parity.check("gemmBiasActivation " + f, dtype, tolerance, 1e-4, new double[][] {a, b, bias},
                    new long[] {(long) m * n},
                    (be, buf) -> be.gemmBiasActivation(f, alpha, false, true, m, n, k, buf[0], buf[1], buf[2], buf[3]));
            double[] x = Parity.uniform(random, m * n, -2, 2);
            double[] g = Parity.uniform(random, m * n, -1, 1);
            parity.check("biasActivationBackward " + f, dtype, 10 * atol(dtype) * m, 10 * rtol(dtype),
                    new double[][] {x, g}, new long[] {(long) m * n, (long) m * n, n}, (be, buf) -> {
                        be.unary(f.unary(), f.unaryA(alpha), 0, buf[0], buf[2]);
                        be.biasActivationBackward(f, alpha, m, n, buf[2], buf[1], buf[3], buf[4]);
                    });
        }
        UpdateParameters hyper = new UpdateParameters(0.01, 0.9, 0.999, 1e-7, 0.01, 3);
        for (UpdateRule rule : UpdateRule.values()) {
            int perParameter = 2 + rule.stateCount();
            int[] lengths = {5, 1000, 1, 33, 2, 3, 4, 6, 7, 9};
            double[][] inputs = new double[lengths.length * perParameter][];
            for (int i = 0; i < lengths.length; i++) {
                for (int j = 0; j < perParameter; j++) {
                    inputs[i * perParameter + j] = Parity.uniform(random, lengths[i], j < 2 ? -0.5 : 0, 0.5);
                }
            }
            parity.check("updateGroup " + rule, dtype, atol(dtype), rtol(dtype), inputs, new long[0], (be, buf) -> {
                Buffer[] params = new Buffer[lengths.length];
                Buffer[] grads = new Buffer[lengths.length];
                Buffer[][] states = new Buffer[lengths.length][];
                for (int i = 0; i < lengths.length; i++) {
                    params[i] = buf[i * perParameter];
                    grads[i] = buf[i * perParameter + 1];
                    states[i] = java.util.Arrays.copyOfRange(buf, i * perParameter + 2, (i + 1) * perParameter);
                }
                be.updateGroup(rule, hyper, params, grads, states);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void randomNumbersMatchTheCpuBackend(DType dtype) {
        requireSupported(dtype);
        long[][] seedsAndOffsets = {{0, 0}, {42, 7}, {0x1234_5678_9ABC_DEF0L, (1L << 33) + 5}};
        for (long[] so : seedsAndOffsets) {
            parity.check("UNIFORM " + so[0], dtype, 0, 0, new double[0][], new long[] {4099},
                    (be, buf) -> be.random(Distribution.UNIFORM, so[0], so[1], -0.3, 1.7, buf[0]));
            parity.check("BERNOULLI " + so[0], dtype, 0, 0, new double[0][], new long[] {4099},
                    (be, buf) -> be.random(Distribution.BERNOULLI, so[0], so[1], 0.3, 0, buf[0]));
            parity.check("NORMAL " + so[0], dtype, 1e-5, 1e-5, new double[0][], new long[] {4099},
                    (be, buf) -> be.random(Distribution.NORMAL, so[0], so[1], 0.5, 2, buf[0]));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void gemmTransposeCopyAndFill(DType dtype) {
        requireSupported(dtype);
        int[][] sizes = {{1, 1, 1}, {13, 17, 19}, {128, 10, 128}, {67, 129, 71}};
        for (int[] s : sizes) {
            for (int flags = 0; flags < 4; flags++) {
                boolean ta = (flags & 1) != 0;
                boolean tb = (flags & 2) != 0;
                double[] a = Parity.uniform(random, s[0] * s[2], -1, 1);
                double[] b = Parity.uniform(random, s[2] * s[1], -1, 1);
                double[] c = Parity.uniform(random, s[0] * s[1], -1, 1);
                double tolerance = dtype == DType.F64 ? 1e-12 * s[2] : 1e-6 * s[2];
                parity.check("gemm " + s[0] + "x" + s[1] + "x" + s[2] + " ta=" + ta + " tb=" + tb, dtype, tolerance, 1e-4,
                        new double[][] {a, b, c}, new long[0],
                        (be, buf) -> be.gemm(ta, tb, s[0], s[1], s[2], 0.75, buf[0], buf[1], 0.5, buf[2]));
            }
            double[] x = Parity.uniform(random, s[0] * s[1], -1, 1);
            parity.check("transpose " + s[0] + "x" + s[1], dtype, 0, 0, new double[][] {x}, new long[] {x.length},
                    (be, buf) -> be.transpose(s[0], s[1], buf[0], buf[1]));
        }
        double[] x = Parity.uniform(random, 100, -1, 1);
        parity.check("copy and fill", dtype, 0, 0, new double[][] {x}, new long[] {50, 30}, (be, buf) -> {
            be.copy(buf[0], 10, buf[1], 5, 40);
            be.fill(buf[2], 0.1);
            be.copy(buf[0], 60, buf[0], 0, 30);
        });
        parity.check("copyBlocks", dtype, 0, 0, new double[][] {x}, new long[] {60, 9}, (be, buf) -> {
            be.copyBlocks(4, 3, buf[0], 1, 7, buf[1], 2, 11);
            be.copyBlocks(1, 9, buf[0], 91, 1000, buf[2], 0, 0);
        });
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void batchedGemmPermuteGatherAndScatterAdd(DType dtype) {
        requireSupported(dtype);
        // Three products [5, 4] · [4, 6] with gaps of 2 after each matrix; a shared b (stride 0) with a transposed a.
        double[] a = Parity.uniform(random, 3 * 22, -1, 1);
        double[] b = Parity.uniform(random, 3 * 26, -1, 1);
        double[] c = Parity.uniform(random, 3 * 32, -1, 1);
        double tolerance = dtype == DType.F64 ? 1e-12 * 4 : 1e-6 * 4;
        for (int flags = 0; flags < 4; flags++) {
            boolean ta = (flags & 1) != 0;
            boolean tb = (flags & 2) != 0;
            parity.check("gemmBatched ta=" + ta + " tb=" + tb, dtype, tolerance, 1e-4, new double[][] {a, b, c},
                    new long[0], (be, buf) -> be.gemmBatched(ta, tb, 3, 5, 6, 4, 0.75, buf[0], 22, buf[1], 26, 0.5,
                            buf[2], 32));
            parity.check("gemmBatched shared b ta=" + ta + " tb=" + tb, dtype, tolerance, 1e-4,
                    new double[][] {a, b}, new long[] {3 * 30}, (be, buf) -> be.gemmBatched(ta, tb, 3, 5, 6, 4, 1,
                            buf[0], 22, buf[1], 0, 0, buf[2], 30));
        }
        double[] x = Parity.uniform(random, 2 * 3 * 4 * 5 * 2 * 3, -1, 1);
        parity.check("permute 6 axes", dtype, 0, 0, new double[][] {x}, new long[] {x.length},
                (be, buf) -> be.permute(new int[] {2, 3, 4, 5, 2, 3}, new int[] {3, 5, 0, 4, 1, 2}, buf[0], buf[1]));
        parity.check("permute 2 axes", dtype, 0, 0, new double[][] {x}, new long[] {x.length},
                (be, buf) -> be.permute(new int[] {40, 18}, new int[] {1, 0}, buf[0], buf[1]));
        double[] table = Parity.uniform(random, 6 * 70, -1, 1);
        double[] indices = new double[90];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = random.nextInt(6);
        }
        parity.check("gather", dtype, 0, 0, new double[][] {table, indices}, new boolean[] {false, true},
                new long[] {90 * 70}, (be, buf) -> be.gather(6, 70, 90, buf[0], buf[1], buf[2]));
        double[] values = Parity.uniform(random, 90 * 70, -1, 1);
        parity.check("scatterAdd (same order of sums: exact)", dtype, 0, 0, new double[][] {indices, values, table},
                new boolean[] {true, false, false}, new long[0],
                (be, buf) -> be.scatterAdd(6, 70, 90, buf[0], buf[1], buf[2]));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void slidingWindows(DType dtype) {
        requireSupported(dtype);
        // Stride 2x1, dilation 1x2, symmetric padding, 3 channels; then 16 channels, which devices move in vectors.
        Window2d[] convolutions = {Window2d.of(3, 9, 8, 3, 3, 3, 2, 1, 1, 2, 1, 1, 2, 2),
            Window2d.of(2, 6, 6, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1)};
        for (Window2d w : convolutions) {
            int image = (int) w.imageLength();
            int columns = w.columnRows() * w.columnWidth();
            parity.check("im2col " + w, dtype, 0, 0, new double[][] {Parity.uniform(random, image, -1, 1)},
                    new long[] {columns}, (be, buf) -> be.im2col(w, buf[0], buf[1]));
            parity.check("col2im " + w, dtype, atol(dtype), rtol(dtype),
                    new double[][] {Parity.uniform(random, columns, -1, 1)}, new long[] {image},
                    (be, buf) -> be.col2im(w, buf[0], buf[1]));
        }
        // Asymmetric padding with 3 channels; overlapping windows over 16 channels; whole numbers, so ties occur.
        Window2d[] poolings = {Window2d.of(3, 5, 6, 3, 2, 2, 2, 2, 1, 1, 0, 1, 0, 0),
            Window2d.of(2, 7, 7, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1)};
        for (Window2d w : poolings) {
            int image = (int) w.imageLength();
            int pooled = (int) w.pooledLength();
            double[] x = Parity.levels(random, image, 3);
            double[] noTaps = new double[pooled];
            boolean[] argmaxIsInt = {false, true};
            // The argmax is an I32 buffer, so it travels as an input that the call overwrites.
            Parity.Call forward = (be, buf) -> be.maxPool(w, buf[0], buf[2], buf[1]);
            parity.check("maxPool " + w, dtype, 0, 0, new double[][] {x, noTaps}, argmaxIsInt, new long[] {pooled},
                    forward);
            double[] argmax = Parity.run(OpenClTestSupport.reference(), dtype, new double[][] {x, noTaps},
                    argmaxIsInt, new long[] {pooled}, forward)[1];
            double[] g = Parity.uniform(random, pooled, -1, 1);
            parity.check("maxPoolBackward " + w, dtype, atol(dtype), rtol(dtype), new double[][] {g, argmax},
                    new boolean[] {false, true}, new long[] {image},
                    (be, buf) -> be.maxPoolBackward(w, buf[0], buf[1], buf[2]));
            parity.check("avgPool " + w, dtype, atol(dtype), rtol(dtype),
                    new double[][] {Parity.uniform(random, image, -1, 1)}, new long[] {pooled},
                    (be, buf) -> be.avgPool(w, buf[0], buf[1]));
            parity.check("avgPoolBackward " + w, dtype, atol(dtype), rtol(dtype), new double[][] {g},
                    new long[] {image}, (be, buf) -> be.avgPoolBackward(w, buf[0], buf[1]));
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void recurrentCells(DType dtype) {
        requireSupported(dtype);
        SequenceStep[] steps = {new SequenceStep(1, 1, 1, 0), new SequenceStep(3, 5, 7, 1),
            new SequenceStep(2, 13, 37, 1)};
        for (SequenceStep at : steps) {
            for (boolean masked : new boolean[] {false, true}) {
                cells(dtype, at, masked);
            }
        }
    }

    /**
     * Each cell forward, then backward from the CPU's forward results. The mask is an input either way (a 0/1 mask
     * that holds row 0 at the step), passed to the call only when {@code masked}.
     */
    private void cells(DType dtype, SequenceStep at, boolean masked) {
        String label = at + (masked ? " masked" : "");
        Backend cpu = OpenClTestSupport.reference();
        int matrix = Math.toIntExact(at.matrix());
        double[] mask = Parity.levels(random, at.steps() * at.batch(), 2);
        mask[at.step() * at.batch()] = 0;
        double[] gradH = Parity.uniform(random, matrix, -1, 1);

        double[][] rnnInputs = {mask, cellValues(at.sequence(1), 2), cellValues(matrix, 2),
            cellValues(at.states(1), 1)};
        Parity.Call rnn = (be, buf) -> be.rnnCell(at, buf[1], buf[2], masked ? buf[0] : null, buf[3], buf[4]);
        parity.check("rnnCell " + label, dtype, atol(dtype), rtol(dtype), rnnInputs, new long[] {matrix}, rnn);
        double[] rnnStates = Parity.run(cpu, dtype, rnnInputs, new long[] {matrix}, rnn)[3];
        parity.check("rnnCellBackward " + label, dtype, atol(dtype), rtol(dtype),
                new double[][] {mask, rnnStates, cellValues(at.states(1), 1), gradH}, new long[] {matrix},
                (be, buf) -> be.rnnCellBackward(at, masked ? buf[0] : null, buf[1], buf[2], buf[3], buf[4]));

        double[][] lstmInputs = {mask, cellValues(at.sequence(4), 2), cellValues(4L * matrix, 2),
            cellValues(at.states(2), 1)};
        Parity.Call lstm = (be, buf) -> be.lstmCell(at, buf[1], buf[2], masked ? buf[0] : null, buf[3], buf[4], buf[5]);
        parity.check("lstmCell " + label, dtype, atol(dtype), rtol(dtype), lstmInputs,
                new long[] {matrix, 4L * matrix}, lstm);
        double[][] lstmForward = Parity.run(cpu, dtype, lstmInputs, new long[] {matrix, 4L * matrix}, lstm);
        double[][] lstmBackwardInputs = {mask, lstmForward[3], lstmForward[5], cellValues(at.states(2), 1), gradH,
            cellValues(matrix, 1)};
        parity.check("lstmCellBackward " + label, dtype, atol(dtype), rtol(dtype), lstmBackwardInputs,
                new long[] {4L * matrix}, (be, buf) -> be.lstmCellBackward(at, masked ? buf[0] : null, buf[1], buf[2],
                        buf[3], buf[4], buf[5], buf[6]));

        for (boolean bias : new boolean[] {false, true}) {
            double[][] gruInputs = {mask, cellValues(3L * at.units(), 1), cellValues(at.sequence(3), 2),
                cellValues(3L * matrix, 2), cellValues(at.states(1), 1)};
            Parity.Call gru = (be, buf) -> be.gruCell(at, buf[2], buf[3], bias ? buf[1] : null, masked ? buf[0] : null,
                    buf[4], buf[5], buf[6]);
            String gruLabel = label + (bias ? " bias" : "");
            parity.check("gruCell " + gruLabel, dtype, atol(dtype), rtol(dtype), gruInputs,
                    new long[] {matrix, 4L * matrix}, gru);
            double[][] gruForward = Parity.run(cpu, dtype, gruInputs, new long[] {matrix, 4L * matrix}, gru);
            double[][] gruBackwardInputs = {mask, gruForward[4], gruForward[6], cellValues(at.states(1), 1), gradH};
            parity.check("gruCellBackward " + gruLabel, dtype, atol(dtype), rtol(dtype), gruBackwardInputs,
                    new long[] {3L * matrix, 3L * matrix}, (be, buf) -> be.gruCellBackward(at, masked ? buf[0] : null,
                            buf[1], buf[2], buf[3], buf[4], buf[5], buf[6]));
        }

        // the two halves of a step resetting before the product, with random stand-ins for the gemms between them
        double[][] resetInputs = {mask, cellValues(at.sequence(3), 2), cellValues(2L * matrix, 2),
            cellValues(at.states(1), 1), cellValues(matrix, 2)};
        long[] resetOutputs = {matrix, matrix, 3L * matrix};
        Parity.Call reset = (be, buf) -> {
            be.gruResetCell(at, buf[1], buf[2], buf[3], buf[5], buf[7]);
            be.gruCandidateCell(at, buf[1], buf[4], masked ? buf[0] : null, buf[3], buf[6], buf[7]);
        };
        parity.check("gruResetCell+gruCandidateCell " + label, dtype, atol(dtype), rtol(dtype), resetInputs,
                resetOutputs, reset);
        double[][] resetForward = Parity.run(cpu, dtype, resetInputs, resetOutputs, reset);
        double[][] resetBackwardInputs = {mask, resetForward[3], resetForward[7], cellValues(at.states(1), 1), gradH,
            cellValues(matrix, 1)};
        parity.check("gruCandidateCellBackward+gruResetCellBackward " + label, dtype, atol(dtype), rtol(dtype),
                resetBackwardInputs, new long[] {matrix, 2L * matrix}, (be, buf) -> {
                    be.gruCandidateCellBackward(at, masked ? buf[0] : null, buf[1], buf[2], buf[3], buf[4], buf[6],
                            buf[7]);
                    be.gruResetCellBackward(at, buf[1], buf[2], buf[5], buf[4], buf[7]);
                });
    }

    /** {@code n} values in [-scale, scale): pre-activations at scale 2 (gates away from saturation), states at 1. */
    private double[] cellValues(long n, double scale) {
        return Parity.uniform(random, Math.toIntExact(n), -scale, scale);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void aDownloadLaterReadsWhatTheCpuReads(DType dtype) {
        requireSupported(dtype);
        for (int n : LENGTHS) {
            double[] x = Parity.uniform(random, n, -3, 3);
            // What the read returns, written into the output: the values of its time, not the fill after it.
            parity.check("downloadLater n=" + n, dtype, 0, 0, new double[][] {x}, new long[] {n}, (be, buf) -> {
                PendingDownload read = be.downloadLater(buf[0], n);
                be.fill(buf[0], 7);
                double[] values = read.await();
                if (dtype == DType.F64) {
                    be.upload(values, buf[1]);
                } else {
                    float[] floats = new float[n];
                    for (int i = 0; i < n; i++) {
                        floats[i] = (float) values[i];
                    }
                    be.upload(floats, buf[1]);
                }
            });
        }
    }

    @Test
    void i32MemoryMatchesTheCpu() {
        double[] ints = new double[1000];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = random.nextInt() >> random.nextInt(31);
        }
        ints[0] = Integer.MIN_VALUE;
        ints[1] = Integer.MAX_VALUE;
        boolean[] one = {true};
        parity.check("upload/download I32", DType.I32, 0, 0, new double[][] {ints}, one, new long[0], (be, buf) -> { });
        boolean[] two = {true, true};
        double[] target = new double[1003];
        parity.check("copy I32", DType.I32, 0, 0, new double[][] {ints, target}, two, new long[0],
                (be, buf) -> be.copy(buf[0], 3, buf[1], 5, 990));
        parity.check("copyBlocks I32", DType.I32, 0, 0, new double[][] {ints, target}, two, new long[0],
                (be, buf) -> be.copyBlocks(33, 7, buf[0], 2, 29, buf[1], 1, 30));
        parity.check("fill I32", DType.I32, 0, 0, new double[][] {ints}, one, new long[0],
                (be, buf) -> be.fill(buf[0], -123456.75));
        parity.check("fill I32 NaN", DType.I32, 0, 0, new double[][] {ints}, one, new long[0],
                (be, buf) -> be.fill(buf[0], Double.NaN));
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void everyPrimitiveAndEnumConstantWasCompared() {
        for (Method method : Backend.class.getMethods()) {
            if (!NOT_COMPARED.contains(method.getName())) {
                assertTrue(CALLED.contains(method.getName()), "no parity check calls Backend." + method.getName());
            }
        }
        List<Enum<?>[]> families = List.of(UnaryOp.values(), BinaryOp.values(), ReduceOp.values(), UpdateRule.values(),
                Distribution.values(), Activation.values(), Activation.values(), UpdateRule.values());
        List<String> methods = List.of("unary", "binary", "reduce", "update", "random", "gemmBiasActivation",
                "biasActivationBackward", "updateGroup");
        for (int f = 0; f < families.size(); f++) {
            for (Enum<?> constant : families.get(f)) {
                String key = methods.get(f) + ":" + constant.name();
                assertTrue(CALLED.contains(key), "no parity check for " + key);
            }
        }
        for (UnaryOp op : UnaryOp.values()) {
            assertTrue(CALLED.contains("unaryBackward:" + op.name()), "no parity check for unaryBackward:" + op);
        }
    }

    /** {@code target} seen through a proxy that records each method called (and its enum argument). */
    private static Backend recording(Backend target) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    CALLED.add(method.getName());
                    if (args != null && args.length > 0 && args[0] instanceof Enum<?> constant) {
                        CALLED.add(method.getName() + ":" + constant.name());
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
