package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.ReduceOp;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * Reductions over all elements or along one axis: the tensor is viewed as [outer, middle, inner] and reduced along
 * the middle axis by one {@link Backend#reduce} call; the gradient is broadcast back over that axis.
 */
public final class ReductionOps {
    private ReductionOps() {
    }

    /** Sum of all elements, a scalar (shape []). */
    public static Tensor sum(Tensor x) {
        return reduceAll("sum", ReduceOp.SUM, x);
    }

    /** Mean of all elements, a scalar (shape []). */
    public static Tensor mean(Tensor x) {
        return reduceAll("mean", ReduceOp.MEAN, x);
    }

    /** Sum along {@code axis}, which is removed from the shape. */
    public static Tensor sum(Tensor x, int axis) {
        return reduceAxis("sum", ReduceOp.SUM, x, axis);
    }

    /** Mean along {@code axis}, which is removed from the shape. */
    public static Tensor mean(Tensor x, int axis) {
        return reduceAxis("mean", ReduceOp.MEAN, x, axis);
    }

    /** Largest element along {@code axis} (removed); the gradient is split evenly among the tied maximal elements. */
    public static Tensor max(Tensor x, int axis) {
        return reduceAxis("max", ReduceOp.MAX, x, axis);
    }

    /** Smallest element along {@code axis} (removed); the gradient is split evenly among the tied minimal elements. */
    public static Tensor min(Tensor x, int axis) {
        return reduceAxis("min", ReduceOp.MIN, x, axis);
    }

    /** Index of the largest element along {@code axis} (removed), as numbers; not differentiable. */
    public static Tensor argmax(Tensor x, int axis) {
        int ax = x.shape().normalizeAxis(axis);
        Tensor out = Tensor.empty(x.backend(), x.dtype(), dropAxis(x.shape(), ax));
        x.backend().reduce(ReduceOp.ARGMAX, (int) x.shape().size(0, ax), x.shape().dim(ax),
                (int) x.shape().size(ax + 1, x.rank()), x.buffer(), out.buffer());
        return out;
    }

    private static Tensor reduceAll(String name, ReduceOp op, Tensor x) {
        return reduceOf(name, op, x, 1, Math.toIntExact(x.size()), 1, Shape.of());
    }

    private static Tensor reduceAxis(String name, ReduceOp op, Tensor x, int axis) {
        int ax = x.shape().normalizeAxis(axis);
        return reduceOf(name, op, x, (int) x.shape().size(0, ax), x.shape().dim(ax),
                (int) x.shape().size(ax + 1, x.rank()), dropAxis(x.shape(), ax));
    }

    /** Reduces x, viewed as [outer, middle, inner], along the middle axis into a tensor of shape outShape. */
    private static Tensor reduceOf(String name, ReduceOp op, Tensor x, int outer, int middle, int inner, Shape outShape) {
        if (middle == 0) {
            throw new KilnException(name + ": cannot reduce an empty axis of shape " + x.shape());
        }
        Backend backend = x.backend();
        Tensor out = Tensor.empty(backend, x.dtype(), outShape);
        backend.reduce(op, outer, middle, inner, x.buffer(), out.buffer());
        Broadcast expand = new Broadcast(outer, middle, inner, Broadcast.ALL, Broadcast.OUTER | Broadcast.INNER);
        return Ops.record(out, name, g -> {
            Tensor gx = Tensor.empty(backend, x.dtype(), x.shape());
            switch (op) {
                case SUM, MEAN -> {
                    backend.fill(gx.buffer(), op == ReduceOp.MEAN ? 1.0 / middle : 1.0);
                    backend.binary(BinaryOp.MUL, expand, gx.buffer(), g.buffer(), gx.buffer());
                }
                case MAX, MIN -> {
                    // gx = [x == extreme] * g / (number of elements equal to the extreme), as amax and reduce_max do.
                    backend.binary(BinaryOp.EQUAL, expand, x.buffer(), out.buffer(), gx.buffer());
                    try (Tensor share = Tensor.empty(backend, x.dtype(), outShape)) {
                        backend.reduce(ReduceOp.SUM, outer, middle, inner, gx.buffer(), share.buffer());
                        backend.binary(BinaryOp.DIV, Broadcast.same(share.size()), g.buffer(), share.buffer(),
                                share.buffer());
                        backend.binary(BinaryOp.MUL, expand, gx.buffer(), share.buffer(), gx.buffer());
                    }
                }
                default -> throw new IllegalStateException(op + " has no gradient");
            }
            return new Tensor[] {gx};
        }, x);
    }

    static Shape dropAxis(Shape shape, int axis) {
        int[] dims = shape.dims();
        int[] out = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != axis) {
                out[j++] = dims[i];
            }
        }
        return Shape.of(out);
    }
}
