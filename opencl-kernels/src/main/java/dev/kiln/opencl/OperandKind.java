package dev.kiln.opencl;

import dev.kiln.backend.Broadcast;

/**
 * How an operand of a broadcasting binary op maps onto the output, for the kinds binary_&lt;op&gt;_vector reads
 * without decoding positions (the KIND_ constants of elementwise.cl, in this order).
 */
enum OperandKind {
    /** Spans the whole output: element q of the output reads element q. */
    FULL,
    /** One inner row repeated along the other axes, as a bias row: element q reads q mod inner. */
    ROW,
    /** One value. */
    SCALAR;

    /** The kind of the operand spanning {@code axes} of {@code shape}, or null when it is none of these. */
    static OperandKind of(Broadcast shape, int axes) {
        long length = shape.operandLength(axes);
        if (length == shape.length()) {
            return FULL;
        }
        if (length == 1) {
            return SCALAR;
        }
        // Spanning inner with every other spanned axis of size 1, the operand is exactly one row.
        return (axes & Broadcast.INNER) != 0 && length == shape.inner() ? ROW : null;
    }
}
