package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.ReduceOp;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Matrix products, single and batched, and transposes, on {@link Backend#gemm} and {@link Backend#gemmBatched} (whose
 * transpose flags also give the gradients, so no transpose is ever copied) and {@link Backend#transpose}.
 */
public final class LinearAlgebraOps {
    private LinearAlgebraOps() {
    }

    /** a · b for a [m, k] and b [k, n]. */
    public static Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, b, false, false);
    }

    /**
     * op(a) · op(b), op(x) = x^T when its flag is set: a is [m, k] (or [k, m] with {@code transposeA}), b is [k, n]
     * (or [n, k] with {@code transposeB}); the flags reach the gemm, so no transpose is copied, forward or backward.
     */
    public static Tensor matmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        Ops.checkCompatible("matmul", a, b);
        if (a.rank() != 2 || b.rank() != 2) {
            throw new KilnException("matmul: expected two matrices, got " + a.shape() + " and " + b.shape()
                    + " (batchMatmul multiplies batches)");
        }
        Product p = Product.of("matmul", a.shape(), b.shape(), transposeA, transposeB, 1);
        Backend backend = a.backend();
        Tensor out = Tensor.empty(backend, a.dtype(), Shape.of(p.m, p.n));
        backend.gemm(transposeA, transposeB, p.m, p.n, p.k, 1, a.buffer(), b.buffer(), 0, out.buffer());
        return Ops.record(out, "matmul", g -> new Tensor[] {
            a.requiresGrad() ? gradientA(p, g, a, b, false) : null,
            b.requiresGrad() ? gradientB(p, g, a, b, false) : null}, a, b);
    }

    /** Batched products op(a_i) · op(b_i) for a [batch, m, k] and b [batch, k, n]: out [batch, m, n]. */
    public static Tensor batchMatmul(Tensor a, Tensor b) {
        return batchMatmul(a, b, false, false);
    }

    /**
     * out[i] = op(a[i]) · op(b[i]) for a [batch, m, k] (or [batch, k, m] with {@code transposeA}) and b [batch, k, n]
     * (or [batch, n, k] with {@code transposeB}); a matrix b (rank 2) is shared by every product, out [batch, m, n].
     */
    public static Tensor batchMatmul(Tensor a, Tensor b, boolean transposeA, boolean transposeB) {
        Ops.checkCompatible("batch_matmul", a, b);
        if (a.rank() != 3 || (b.rank() != 3 && b.rank() != 2)
                || (b.rank() == 3 && b.shape().dim(0) != a.shape().dim(0))) {
            throw new KilnException("batch_matmul: expected a [batch, m, k] and b [batch, k, n] or [k, n], got "
                    + a.shape() + " and " + b.shape());
        }
        int batch = a.shape().dim(0);
        boolean shared = b.rank() == 2;
        Product p = Product.of("batch_matmul", a.shape().tail(), shared ? b.shape() : b.shape().tail(),
                transposeA, transposeB, batch);
        Backend backend = a.backend();
        Tensor out = Tensor.empty(backend, a.dtype(), Shape.of(batch, p.m, p.n));
        backend.gemmBatched(transposeA, transposeB, batch, p.m, p.n, p.k, 1, a.buffer(), p.mk(),
                b.buffer(), shared ? 0 : p.kn(), 0, out.buffer(), p.mn());
        return Ops.record(out, "batch_matmul", g -> new Tensor[] {
            a.requiresGrad() ? gradientA(p, g, a, b, shared) : null,
            b.requiresGrad() ? gradientB(p, g, a, b, shared) : null}, a, b);
    }

    /**
     * The sizes of {@code batch} products op(a) [m, k] · op(b) [k, n], with the flags.
     */
    private record Product(int batch, int m, int n, int k, boolean transposeA, boolean transposeB) {
        static Product of(String op, Shape a, Shape b, boolean transposeA, boolean transposeB, int batch) {
            int m = a.dim(transposeA ? 1 : 0);
            int k = a.dim(transposeA ? 0 : 1);
            int kb = b.dim(transposeB ? 1 : 0);
            int n = b.dim(transposeB ? 0 : 1);
            if (k != kb) {
                throw new KilnException(op + ": inner dimensions differ, op(a) is [" + m + ", " + k + "] and op(b) is ["
                        + kb + ", " + n + "] (shapes " + a + " and " + b + ", transposeA=" + transposeA + ", transposeB="
                        + transposeB + ")");
            }
            return new Product(batch, m, n, k, transposeA, transposeB);
        }

        long mk() {
            return (long) m * k;
        }

        long kn() {
            return (long) k * n;
        }

        long mn() {
            return (long) m * n;
        }
    }

    /** dL/da as a is stored: g · op(b)^T, or op(b) · g^T when a is stored transposed. */
    private static Tensor gradientA(Product p, Tensor g, Tensor a, Tensor b, boolean shared) {
        Tensor ga = Tensor.empty(a.backend(), a.dtype(), a.shape());
        long strideB = shared ? 0 : p.kn();
        if (!p.transposeA()) {
            product(a.backend(), false, !p.transposeB(), p.batch(), p.m(), p.k(), p.n(), 1,
                    g.buffer(), p.mn(), b.buffer(), strideB, 0, ga.buffer(), p.mk());
        } else {
            product(a.backend(), p.transposeB(), true, p.batch(), p.k(), p.m(), p.n(), 1,
                    b.buffer(), strideB, g.buffer(), p.mn(), 0, ga.buffer(), p.mk());
        }
        return ga;
    }

    /**
     * dL/db as b is stored: op(a)^T · g, or g^T · op(a) when b is stored transposed; a matrix shared by the batch gets
     * the sum over the batch, one gemm over the stacked rows when a is not transposed.
     */
    private static Tensor gradientB(Product p, Tensor g, Tensor a, Tensor b, boolean shared) {
        Backend backend = b.backend();
        Tensor gb = Tensor.empty(backend, b.dtype(), b.shape());
        if (shared && !p.transposeA()) {
            int rows = Math.multiplyExact(p.batch(), p.m());
            if (!p.transposeB()) {
                backend.gemm(true, false, p.k(), p.n(), rows, 1, a.buffer(), g.buffer(), 0, gb.buffer());
            } else {
                backend.gemm(true, false, p.n(), p.k(), rows, 1, g.buffer(), a.buffer(), 0, gb.buffer());
            }
            return gb;
        }
        Tensor target = shared ? Tensor.empty(backend, b.dtype(), Shape.of(p.batch(), Math.toIntExact(p.kn()))) : gb;
        if (!p.transposeB()) {
            product(backend, !p.transposeA(), false, p.batch(), p.k(), p.n(), p.m(), 1,
                    a.buffer(), p.mk(), g.buffer(), p.mn(), 0, target.buffer(), p.kn());
        } else {
            product(backend, true, p.transposeA(), p.batch(), p.n(), p.k(), p.m(), 1,
                    g.buffer(), p.mn(), a.buffer(), p.mk(), 0, target.buffer(), p.kn());
        }
        if (shared) {
            backend.reduce(ReduceOp.SUM, 1, p.batch(), Math.toIntExact(p.kn()), target.buffer(), gb.buffer());
            target.close();
        }
        return gb;
    }

    /** c_i = op(a_i) · op(b_i) over the batch: one plain gemm for a batch of one. */
    private static void product(Backend backend, boolean transposeA, boolean transposeB, int batch, int m, int n, int k,
                                double alpha, Buffer a, long strideA, Buffer b, long strideB, double beta, Buffer c,
                                long strideC) {
        if (batch == 1) {
            backend.gemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
        } else {
            backend.gemmBatched(transposeA, transposeB, batch, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC);
        }
    }

    /** The transpose of a [rows, cols] matrix. */
    public static Tensor transpose(Tensor x) {
        if (x.rank() != 2) {
            throw new KilnException("transpose: expected a matrix, got shape " + x.shape());
        }
        int rows = x.shape().dim(0);
        int cols = x.shape().dim(1);
        Tensor out = Tensor.empty(x.backend(), x.dtype(), Shape.of(cols, rows));
        x.backend().transpose(rows, cols, x.buffer(), out.buffer());
        return Ops.record(out, "transpose", g -> new Tensor[] {transpose(g)}, x);
    }
}
