package dev.kiln.backend;

/** Reductions along the middle axis of an {@code [outer, middle, inner]} view (see {@link Backend#reduce}). */
public enum ReduceOp {
    /** sum of the elements */
    SUM,
    /** arithmetic mean */
    MEAN,
    /** largest element */
    MAX,
    /** smallest element */
    MIN,
    /** index of the largest element (the first one on ties), stored as a number of the buffer's dtype */
    ARGMAX
}
