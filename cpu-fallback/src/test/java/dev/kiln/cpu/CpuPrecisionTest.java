package dev.kiln.cpu;

import static dev.kiln.cpu.HostData.assertClose;
import static dev.kiln.cpu.HostData.get;
import static dev.kiln.cpu.HostData.put;

import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.UnaryOp;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** F32 against F64 on identical random inputs, within tolerances that grow with the work per output. */
class CpuPrecisionTest {
    private final CpuBackend backend = new CpuBackend();
    private final Random random = new Random(23);

    @AfterEach
    void close() {
        backend.close();
    }

    private double[] inputs(int length, double low, double high) {
        return HostData.roundedToFloat(HostData.uniform(random, length, low, high));
    }

    /** The same call on F32 and F64 copies of the inputs; returns {F32 result, F64 result} of output {@code out}. */
    private double[][] both(int outLength, Call call, double[]... inputs) {
        double[][] results = new double[2][];
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            Buffer[] buffers = new Buffer[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                buffers[i] = put(backend, dtype, inputs[i]);
            }
            Buffer out = backend.allocate(dtype, outLength);
            call.run(buffers, out);
            results[dtype.ordinal()] = get(backend, out);
        }
        return results;
    }

    @FunctionalInterface
    private interface Call {
        void run(Buffer[] inputs, Buffer out);
    }

    private static void agree(double[][] results, double relative, String what) {
        assertClose(results[1], results[0], relative, what);
    }

    @Test
    void gemm() {
        int m = 33, n = 70, k = 300;
        agree(both(m * n, (in, out) -> backend.gemm(false, true, m, n, k, 1, in[0], in[1], 0, out),
                inputs(m * k, -1, 1), inputs(n * k, -1, 1)), 1e-5, "gemm");
    }

    @Test
    void everyUnaryOp() {
        for (UnaryOp op : UnaryOp.values()) {
            double[] x = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RECIPROCAL ? inputs(500, 0.1, 4) : inputs(500, -4, 4);
            agree(both(500, (in, out) -> backend.unary(op, 0.3, 0.7, in[0], out), x), 1e-6, op.toString());
            agree(both(500, (in, out) -> {
                Buffer y = backend.allocate(in[0].dtype(), 500);
                backend.unary(op, 0.3, 0.7, in[0], y);
                backend.unaryBackward(op, 0.3, 0.7, in[0], y, in[1], out);
            }, x, inputs(500, -1, 1)), 1e-5, op + " backward");
        }
    }

    @Test
    void binaryReduceAndRowOps() {
        Broadcast bias = new Broadcast(1, 40, 30, Broadcast.ALL, Broadcast.INNER);
        agree(both(1200, (in, out) -> backend.binary(BinaryOp.DIV, bias, in[0], in[1], out),
                inputs(1200, -1, 1), inputs(30, 0.5, 2)), 1e-6, "broadcast division");
        for (ReduceOp op : ReduceOp.values()) {
            agree(both(30, (in, out) -> backend.reduce(op, 1, 40, 30, in[0], out), inputs(1200, -3, 3)), 1e-6, op.toString());
        }
        double[] logits = inputs(600, -20, 20);
        agree(both(600, (in, out) -> backend.softmax(false, 60, 10, in[0], out), logits), 1e-6, "softmax");
        agree(both(600, (in, out) -> backend.softmax(true, 60, 10, in[0], out), logits), 1e-6, "log-softmax");
        agree(both(60, (in, out) -> backend.softmaxCrossEntropy(60, 10, in[0], in[1], backend.allocate(in[0].dtype(), 600), out),
                logits, inputs(600, 0, 1)), 1e-5, "cross-entropy");
    }

    @Test
    void adamSteps() {
        double[] p = inputs(1000, -1, 1);
        double[] g = inputs(1000, -1, 1);
        agree(both(1000, (in, out) -> {
            backend.copy(in[0], 0, out, 0, 1000);
            Buffer m = backend.allocate(out.dtype(), 1000);
            Buffer v = backend.allocate(out.dtype(), 1000);
            backend.fill(m, 0);
            backend.fill(v, 0);
            for (int t = 1; t <= 5; t++) {
                backend.update(UpdateRule.ADAMW, new UpdateParameters(1e-3, 0.9, 0.999, 1e-8, 0.01, t), out, in[1], m, v);
            }
        }, p, g), 1e-5, "five AdamW steps");
    }
}
