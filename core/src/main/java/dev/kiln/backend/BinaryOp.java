package dev.kiln.backend;

/** Element-wise functions of two operands {@code out = f(a, b)}, with broadcasting (see {@link Broadcast}). */
public enum BinaryOp {
    /** a + b */
    ADD,
    /** a - b */
    SUB,
    /** a * b */
    MUL,
    /** a / b */
    DIV,
    /** max(a, b) */
    MAXIMUM,
    /** min(a, b) */
    MINIMUM,
    /** 1 if a == b else 0 */
    EQUAL,
    /** 1 if a &gt; b else 0 */
    GREATER
}
