package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The shape ops: reshaping, concatenation, splitting, slicing, stacking, constant padding, axis permutation and row
 * lookup (gather). Around the axis an op works
 * on, every tensor is viewed as [outer, dim * inner], so one {@link Backend#copyBlocks} call moves a whole operand
 * (one block per outer index). Each output is a new contiguous tensor; the backward rules move the gradient back
 * the same way.
 */
public final class ShapeOps {
    private ShapeOps() {
    }

    /**
     * The same elements seen with shape {@code shape}; shares x's buffer. A softmax output reshaped with its last axis
     * kept stays known as the softmax of its logits reshaped alike, so a cross-entropy still takes the fused path.
     */
    public static Tensor reshape(Tensor x, Shape shape) {
        Tensor out = x.view(shape);
        Shape original = x.shape();
        Tensor logits = x.softmaxLogits();
        if (logits != null && shape.rank() > 0 && original.rank() > 0 && shape.dim(-1) == original.dim(-1)) {
            out.fromSoftmaxOf(reshape(logits, shape));
        }
        return Ops.record(out, "reshape", g -> new Tensor[] {g.view(original)}, x);
    }

    /** Joins parts along {@code axis}: out[..., o_p + j, ...] = parts[p][..., j, ...], o_p = sum of earlier parts' dims. */
    public static Tensor concat(List<Tensor> parts, int axis) {
        List<Tensor> inputs = parts("concat", parts);
        Tensor first = inputs.get(0);
        for (Tensor part : inputs) {
            Ops.checkCompatible("concat", first, part);
        }
        int ax = normalizeAxis("concat", axis, first.rank(), shapes(inputs));
        Shape others = first.shape().withDim(ax, 0);
        int[] dims = new int[inputs.size()];
        int[] offsets = new int[inputs.size()];
        int total = 0;
        for (int p = 0; p < inputs.size(); p++) {
            Shape shape = inputs.get(p).shape();
            if (shape.rank() != first.rank() || !shape.withDim(ax, 0).equals(others)) {
                throw new KilnException("concat: every part must have the shape of the first except along axis " + axis
                        + ", got " + shapes(inputs));
            }
            dims[p] = shape.dim(ax);
            offsets[p] = total;
            total = Math.addExact(total, dims[p]);
        }
        Shape outShape = first.shape().withDim(ax, total);
        Backend backend = first.backend();
        Tensor out = Tensor.empty(backend, first.dtype(), outShape);
        int outer = outer(outShape, ax);
        int inner = inner(outShape, ax);
        for (int p = 0; p < inputs.size(); p++) {
            int block = Math.multiplyExact(dims[p], inner);
            backend.copyBlocks(outer, block, inputs.get(p).buffer(), 0, block,
                    out.buffer(), (long) offsets[p] * inner, (long) total * inner);
        }
        return Ops.record(out, "concat", g -> {
            Tensor[] grads = new Tensor[inputs.size()];
            for (int p = 0; p < grads.length; p++) {
                if (inputs.get(p).requiresGrad()) {
                    grads[p] = slice(g, ax, offsets[p], dims[p]);
                }
            }
            return grads;
        }, inputs.toArray(Tensor[]::new));
    }

    /** Consecutive slices along {@code axis}: out_k = narrow(x, axis, sizes[0] + ... + sizes[k - 1], sizes[k]). */
    public static List<Tensor> split(Tensor x, int axis, int... sizes) {
        int ax = normalizeAxis("split", axis, x.rank(), x.shape().toString());
        if (sizes == null) {
            throw new KilnException("split: sizes is null");
        }
        long sum = 0;
        for (int size : sizes) {
            if (size < 0) {
                throw new KilnException("split: sizes must not be negative, got " + Arrays.toString(sizes));
            }
            sum += size;
        }
        if (sum != x.shape().dim(ax)) {
            throw new KilnException("split: sizes " + Arrays.toString(sizes) + " sum to " + sum + ", but axis " + axis
                    + " of shape " + x.shape() + " has " + x.shape().dim(ax));
        }
        List<Tensor> outs = new ArrayList<>(sizes.length);
        int start = 0;
        for (int size : sizes) {
            outs.add(narrow(x, ax, start, size));
            start += size;
        }
        return outs;
    }

    /** A slice along {@code axis}: out[..., j, ...] = x[..., start + j, ...] for j in [0, length). */
    public static Tensor narrow(Tensor x, int axis, int start, int length) {
        int ax = normalizeAxis("narrow", axis, x.rank(), x.shape().toString());
        int dim = x.shape().dim(ax);
        if (start < 0 || length < 0 || start > dim - length) {
            throw new KilnException("narrow: elements [" + start + ", " + ((long) start + length) + ") are outside [0, "
                    + dim + ") of axis " + axis + " of shape " + x.shape());
        }
        Tensor out = slice(x, ax, start, length);
        Shape shape = x.shape();
        return Ops.record(out, "narrow", g -> new Tensor[] {embed(g, shape, ax, start)}, x);
    }

    /** Joins equal-shaped parts along a new axis: out[..., p, ...] = parts[p]. */
    public static Tensor stack(List<Tensor> parts, int axis) {
        List<Tensor> inputs = parts("stack", parts);
        Shape shape = inputs.get(0).shape();
        for (Tensor part : inputs) {
            Ops.checkCompatible("stack", inputs.get(0), part);
            if (!part.shape().equals(shape)) {
                throw new KilnException("stack: every part must have the same shape, got " + shapes(inputs));
            }
        }
        int ax = normalizeAxis("stack", axis, shape.rank() + 1, shapes(inputs));
        int[] dims = new int[shape.rank() + 1];
        for (int d = 0, s = 0; d < dims.length; d++) {
            dims[d] = d == ax ? 1 : shape.dim(s++);
        }
        Shape expanded = Shape.of(dims);
        List<Tensor> views = new ArrayList<>(inputs.size());
        for (Tensor part : inputs) {
            views.add(reshape(part, expanded));
        }
        return concat(views, ax);
    }

    /**
     * Constant padding, {@code padding[d] = {before, after}} for every axis d:
     * out[i_0 + before_0, ..., i_n + before_n] = x[i_0, ..., i_n], every other element = value.
     */
    public static Tensor pad(Tensor x, int[][] padding, double value) {
        if (padding == null || padding.length != x.rank()) {
            throw new KilnException("pad: expected {before, after} for each of the " + x.rank() + " axes of shape "
                    + x.shape() + ", got " + (padding == null ? "null" : padding.length + " rows"));
        }
        int[][] pads = new int[padding.length][];
        for (int d = 0; d < padding.length; d++) {
            if (padding[d] == null || padding[d].length != 2 || padding[d][0] < 0 || padding[d][1] < 0) {
                throw new KilnException("pad: padding of axis " + d + " must be {before, after} with both >= 0, got "
                        + Arrays.toString(padding[d]) + " (shape " + x.shape() + ")");
            }
            pads[d] = padding[d].clone();
            if ((long) x.shape().dim(d) + pads[d][0] + pads[d][1] > Integer.MAX_VALUE) {
                throw new KilnException("pad: axis " + d + " of shape " + x.shape() + " padded by "
                        + Arrays.toString(pads[d]) + " exceeds " + Integer.MAX_VALUE + " elements");
            }
        }
        // One padded axis at a time, innermost first: each step is one fill and one copyBlocks.
        Tensor current = x;
        try {
            for (int d = x.rank() - 1; d >= 0; d--) {
                if (pads[d][0] == 0 && pads[d][1] == 0) {
                    continue;
                }
                Tensor next = padAxis(current, d, pads[d][0], pads[d][1], value);
                if (current != x) {
                    current.close();
                }
                current = next;
            }
            if (current == x) {
                current = Tensor.empty(x.backend(), x.dtype(), x.shape());
                x.backend().copy(x.buffer(), 0, current.buffer(), 0, x.size());
            }
        } catch (RuntimeException e) {
            if (current != x) {
                current.close();
            }
            throw e;
        }
        return Ops.record(current, "pad", g -> new Tensor[] {unpad(g, pads)}, x);
    }

    /**
     * Reorders the axes: out[j_0, ..., j_{r-1}] = x[i] with i_{axes[d]} = j_d, so out's axis d is x's axis axes[d]
     * (at most {@link Backend#MAX_PERMUTE_RANK} axes); the gradient is permuted back by the inverse permutation.
     */
    public static Tensor permute(Tensor x, int... axes) {
        int rank = x.rank();
        if (axes == null || axes.length != rank) {
            throw new KilnException("permute: expected a permutation of the " + rank + " axes of shape " + x.shape()
                    + ", got " + Arrays.toString(axes));
        }
        if (rank > Backend.MAX_PERMUTE_RANK) {
            throw new KilnException("permute: at most " + Backend.MAX_PERMUTE_RANK + " axes, got shape " + x.shape());
        }
        int[] order = new int[rank];
        int[] inverse = new int[rank];
        Arrays.fill(inverse, -1);
        for (int d = 0; d < rank; d++) {
            int axis = axes[d] < 0 ? axes[d] + rank : axes[d];
            if (axis < 0 || axis >= rank || inverse[axis] >= 0) {
                throw new KilnException("permute: axes " + Arrays.toString(axes) + " are not a permutation of the "
                        + rank + " axes of shape " + x.shape());
            }
            order[d] = axis;
            inverse[axis] = d;
        }
        int[] dims = x.shape().dims();
        int[] outDims = new int[rank];
        for (int d = 0; d < rank; d++) {
            outDims[d] = dims[order[d]];
        }
        Tensor out = Tensor.empty(x.backend(), x.dtype(), Shape.of(outDims));
        x.backend().permute(dims, order, x.buffer(), out.buffer());
        return Ops.record(out, "permute", g -> new Tensor[] {permute(g, inverse)}, x);
    }

    /**
     * Row lookup along the first axis (an embedding): out[i..., c] = table[indices[i...], c] for table [n, d] and
     * I32 indices of any shape, out = indices' shape + [d]. The indices (in [0, n)) are read back once to be
     * checked; the table's gradient is the scatter-add of g, so repeated indices accumulate. Indices get no gradient.
     */
    public static Tensor gather(Tensor table, Tensor indices) {
        Ops.checkIndexOperands("gather", table, indices);
        if (table.rank() != 2) {
            throw new KilnException("gather: expected a table [rows, columns], got shape " + table.shape());
        }
        int rows = table.shape().dim(0);
        int cols = table.shape().dim(1);
        int count = Math.toIntExact(indices.size());
        checkIndices(indices, rows);
        Backend backend = table.backend();
        Tensor out = Tensor.empty(backend, table.dtype(), withLast(indices.shape(), cols));
        backend.gather(rows, cols, count, table.buffer(), indices.buffer(), out.buffer());
        Shape tableShape = table.shape();
        return Ops.record(out, "gather", g -> {
            Tensor gt = Tensor.zeros(backend, g.dtype(), tableShape);
            backend.scatterAdd(rows, cols, count, indices.buffer(), g.buffer(), gt.buffer());
            return new Tensor[] {gt, null};
        }, table, indices);
    }

    /** Fails, naming the first bad index, its position and the table size, unless every index is a row of the table. */
    private static void checkIndices(Tensor indices, int rows) {
        int[] values = indices.toIntArray();
        for (int i = 0; i < values.length; i++) {
            int v = values[i];
            if (v < 0 || v >= rows) {
                throw new KilnException("gather: index " + v + " at position " + position(indices.shape(), i)
                        + " of indices " + indices.shape() + " is not a row of the table of " + rows + " rows");
            }
        }
    }

    /** The multi-index of flat position {@code flat} in {@code shape}, as "[i, j, ...]". */
    private static String position(Shape shape, long flat) {
        int[] index = new int[shape.rank()];
        for (int d = shape.rank() - 1; d >= 0; d--) {
            index[d] = (int) (flat % shape.dim(d));
            flat /= shape.dim(d);
        }
        return Arrays.toString(index);
    }

    private static Shape withLast(Shape shape, int last) {
        int[] dims = Arrays.copyOf(shape.dims(), shape.rank() + 1);
        dims[shape.rank()] = last;
        return Shape.of(dims);
    }

    // ---- forward and backward kernels, not recorded ----

    /** x[..., start:start + length, ...] along axis ax as a new tensor. */
    private static Tensor slice(Tensor x, int ax, int start, int length) {
        Shape outShape = x.shape().withDim(ax, length);
        Tensor out = Tensor.empty(x.backend(), x.dtype(), outShape);
        int inner = inner(x.shape(), ax);
        int block = Math.multiplyExact(length, inner);
        x.backend().copyBlocks(outer(x.shape(), ax), block, x.buffer(), (long) start * inner,
                (long) x.shape().dim(ax) * inner, out.buffer(), 0, block);
        return out;
    }

    /** A zero tensor of {@code shape} with g written at {@code start} along axis ax: the gradient of a slice. */
    private static Tensor embed(Tensor g, Shape shape, int ax, int start) {
        Tensor out = Tensor.zeros(g.backend(), g.dtype(), shape);
        int inner = inner(shape, ax);
        int block = Math.multiplyExact(g.shape().dim(ax), inner);
        g.backend().copyBlocks(outer(shape, ax), block, g.buffer(), 0, block,
                out.buffer(), (long) start * inner, (long) shape.dim(ax) * inner);
        return out;
    }

    /** x padded along axis ax only. */
    private static Tensor padAxis(Tensor x, int ax, int before, int after, double value) {
        int dim = x.shape().dim(ax);
        Shape outShape = x.shape().withDim(ax, before + dim + after);
        Tensor out = Tensor.full(x.backend(), x.dtype(), outShape, value);
        int inner = inner(x.shape(), ax);
        int block = Math.multiplyExact(dim, inner);
        x.backend().copyBlocks(outer(x.shape(), ax), block, x.buffer(), 0, block,
                out.buffer(), (long) before * inner, (long) outShape.dim(ax) * inner);
        return out;
    }

    /** The interior of a padded gradient, one padded axis at a time; g itself when nothing was padded. */
    private static Tensor unpad(Tensor g, int[][] pads) {
        Tensor current = g;
        for (int d = pads.length - 1; d >= 0; d--) {
            if (pads[d][0] == 0 && pads[d][1] == 0) {
                continue;
            }
            Tensor next = slice(current, d, pads[d][0], current.shape().dim(d) - pads[d][0] - pads[d][1]);
            if (current != g) {
                current.close();
            }
            current = next;
        }
        return current;
    }

    // ---- shapes ----

    private static int outer(Shape shape, int ax) {
        return Math.toIntExact(shape.size(0, ax));
    }

    private static int inner(Shape shape, int ax) {
        return Math.toIntExact(shape.size(ax + 1, shape.rank()));
    }

    /** {@code axis} in [-rank, rank) as an index in [0, rank), or an error naming the op and the shapes. */
    private static int normalizeAxis(String op, int axis, int rank, String shapes) {
        int ax = axis < 0 ? axis + rank : axis;
        if (ax < 0 || ax >= rank) {
            throw new KilnException(op + ": axis " + axis + " is out of range [" + -rank + ", " + rank + ") for "
                    + shapes);
        }
        return ax;
    }

    /** An immutable copy of {@code parts}, which must be a non-empty list of tensors. */
    private static List<Tensor> parts(String op, List<Tensor> parts) {
        if (parts == null || parts.isEmpty()) {
            throw new KilnException(op + ": needs at least one part");
        }
        for (int p = 0; p < parts.size(); p++) {
            if (parts.get(p) == null) {
                throw new KilnException(op + ": part " + p + " is null");
            }
        }
        return List.copyOf(parts);
    }

    private static String shapes(List<Tensor> parts) {
        return parts.stream().map(t -> t.shape().toString()).collect(Collectors.joining(", "));
    }
}
