package dev.kiln.optim;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.ReduceOp;
import dev.kiln.backend.UnaryOp;
import dev.kiln.tensor.Tensor;
import java.util.List;

/**
 * g *= maxNorm / max(norm, maxNorm) for every gradient, with norm = sqrt(sum over all gradients of g^2);
 * computed on the device, so the host never reads the norm.
 */
public record ClipByGlobalNorm(double maxNorm) implements GradientClipping {

    public ClipByGlobalNorm {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new KilnException("clip by global norm: max norm must be a positive finite number, got " + maxNorm);
        }
    }

    @Override
    public void apply(List<Tensor> gradients) {
        if (gradients.isEmpty()) {
            return;
        }
        Backend backend = gradients.get(0).backend();
        DType dtype = gradients.get(0).dtype();
        Buffer factor = backend.allocate(dtype, 1);
        try {
            sumOfSquares(backend, dtype, gradients, factor);
            backend.unary(UnaryOp.SQRT, 0, 0, factor, factor);
            // max(norm, maxNorm) keeps the factor finite (exactly 1) when every gradient is zero.
            backend.unary(UnaryOp.CLIP, maxNorm, Double.MAX_VALUE, factor, factor);
            backend.unary(UnaryOp.RECIPROCAL, 0, 0, factor, factor);
            backend.unary(UnaryOp.AFFINE, maxNorm, 0, factor, factor);
            for (Tensor g : gradients) {
                Broadcast byScalar = new Broadcast(1, 1, Math.toIntExact(g.size()), Broadcast.ALL,
                        Broadcast.OUTER | Broadcast.MIDDLE);
                backend.binary(BinaryOp.MUL, byScalar, g.buffer(), factor, g.buffer());
            }
        } finally {
            backend.free(factor);
        }
    }

    private static void sumOfSquares(Backend backend, DType dtype, List<Tensor> gradients, Buffer total) {
        backend.fill(total, 0);
        Buffer partial = backend.allocate(dtype, 1);
        try {
            for (Tensor g : gradients) {
                if (g.backend() != backend || g.dtype() != dtype) {
                    throw new KilnException("clip by global norm: gradients must share one backend and dtype, got "
                            + g + " and " + gradients.get(0));
                }
                Buffer squares = backend.allocate(dtype, g.size());
                try {
                    backend.unary(UnaryOp.SQUARE, 0, 0, g.buffer(), squares);
                    backend.reduce(ReduceOp.SUM, 1, Math.toIntExact(g.size()), 1, squares, partial);
                } finally {
                    backend.free(squares);
                }
                backend.binary(BinaryOp.ADD, Broadcast.same(1), total, partial, total);
            }
        } finally {
            backend.free(partial);
        }
    }
}
