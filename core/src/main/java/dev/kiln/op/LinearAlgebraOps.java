package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/** Matrix products and transposes, on {@link Backend#gemm} (whose transpose flags also give the gradients) and {@link Backend#transpose}. */
public final class LinearAlgebraOps {
    private LinearAlgebraOps() {
    }

    /** a · b for a [m, k] and b [k, n]. */
    public static Tensor matmul(Tensor a, Tensor b) {
        Ops.checkCompatible("matmul", a, b);
        if (a.rank() != 2 || b.rank() != 2 || a.shape().dim(1) != b.shape().dim(0)) {
            throw new KilnException("matmul: expected [m, k] · [k, n], got " + a.shape() + " · " + b.shape());
        }
        int m = a.shape().dim(0);
        int k = a.shape().dim(1);
        int n = b.shape().dim(1);
        Backend backend = a.backend();
        Tensor out = Tensor.empty(backend, a.dtype(), Shape.of(m, n));
        backend.gemm(false, false, m, n, k, 1, a.buffer(), b.buffer(), 0, out.buffer());
        return Ops.record(out, "matmul", g -> {
            Tensor ga = null;
            Tensor gb = null;
            if (a.requiresGrad()) {
                ga = Tensor.empty(backend, a.dtype(), a.shape());
                backend.gemm(false, true, m, k, n, 1, g.buffer(), b.buffer(), 0, ga.buffer());
            }
            if (b.requiresGrad()) {
                gb = Tensor.empty(backend, b.dtype(), b.shape());
                backend.gemm(true, false, k, n, m, 1, a.buffer(), g.buffer(), 0, gb.buffer());
            }
            return new Tensor[] {ga, gb};
        }, a, b);
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
