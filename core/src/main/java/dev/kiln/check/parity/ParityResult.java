package dev.kiln.check.parity;

/**
 * The outcome of one op on one shape.
 *
 * @param op the spec's report name
 * @param shape the case's shape label
 * @param output the output that decided the outcome (the first failing one, else the one with the largest error)
 * @param comparison the element-wise agreement of that output
 * @param tolerance the tolerance applied
 * @param error why the case could not run on one side, or null
 */
public record ParityResult(String op, String shape, String output, Comparison comparison, Tolerance tolerance,
                           String error) {

    public boolean passed() {
        return error == null && comparison.passed();
    }

    /** "gemm[7x93x31,tA]". */
    public String label() {
        return op + "[" + shape + "]";
    }

    public double maxAbsolute() {
        return error == null ? comparison.maxAbsolute() : Double.NaN;
    }

    public double maxRelative() {
        return error == null ? comparison.maxRelative() : Double.NaN;
    }

    public long worstIndex() {
        return error == null ? comparison.worstIndex() : -1;
    }
}
