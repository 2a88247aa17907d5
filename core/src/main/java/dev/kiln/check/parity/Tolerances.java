package dev.kiln.check.parity;

import dev.kiln.backend.DType;

/**
 * The tolerance of one case in each precision; a comparison uses the precision of the coarser side.
 *
 * @param f32 used when either side computes in F32
 * @param f64 used when both sides compute in F64
 * @param mixed used when one side computes in F32 and the other in F64; f32 unless an op's results are defined
 *              by its dtype's rounding
 */
public record Tolerances(Tolerance f32, Tolerance f64, Tolerance mixed) {
    private static final double F32_EPSILON = 0x1p-24;
    private static final double F64_EPSILON = 0x1p-53;

    /** Both precisions exact. */
    public static final Tolerances EXACT = new Tolerances(Tolerance.EXACT, Tolerance.EXACT);

    /** F32 and F64 margins, the F32 one also between the two precisions. */
    public Tolerances(Tolerance f32, Tolerance f64) {
        this(f32, f64, f32);
    }

    /** The tolerance for a comparison between sides computing in {@code reference} and {@code candidate}. */
    public Tolerance at(DType reference, DType candidate) {
        if (reference != candidate && (reference == DType.F32 || candidate == DType.F32)) {
            return mixed;
        }
        return reference == DType.F32 || candidate == DType.F32 ? f32 : f64;
    }

    /** One element-wise function: a few ulp of its own plus the rounding of its parameters. */
    public static Tolerances elementwise() {
        return new Tolerances(
                new Tolerance(1e-6, 1e-5, "element-wise F32: OpenCL allows exp/log 3 ulp, tanh 5 ulp"),
                new Tolerance(1e-13, 1e-12, "element-wise F64: a few ulp"));
    }

    /** A gradient formula read from a forward output that was itself rounded (1 - y^2, y(1 - y)). */
    public static Tolerances derivative() {
        return new Tolerances(
                new Tolerance(1e-5, 1e-4, "F32 derivative: reads the rounded forward output, 1 - y^2 amplifies it"),
                new Tolerance(1e-12, 1e-11, "F64 derivative: reads the rounded forward output"));
    }

    /**
     * A sum of {@code terms} products or elements whose order differs between backends: the rounding error
     * grows with the number of terms, so the margins scale with it (4 ulp per term), never below {@code floor}.
     */
    public static Tolerances accumulated(long terms, Tolerances floor, String what) {
        double n = Math.max(1, terms);
        return new Tolerances(
                new Tolerance(Math.max(floor.f32().absolute(), 4 * n * F32_EPSILON),
                        Math.max(floor.f32().relative(), 4 * n * F32_EPSILON),
                        what + " over " + terms + " terms in F32: order-dependent rounding, 4 ulp per term"),
                new Tolerance(Math.max(floor.f64().absolute(), 4 * n * F64_EPSILON),
                        Math.max(floor.f64().relative(), 4 * n * F64_EPSILON),
                        what + " over " + terms + " terms in F64: order-dependent rounding, 4 ulp per term"));
    }

    /**
     * A sum of at most {@code terms} values in an order the contract fixes (the window gathers add their taps in
     * (ky, kx) order), perhaps followed by one division: in F32 the rounding of {@link #accumulated}; two F64 sides add
     * the same numbers in the same order, divide with correct rounding, and so agree bit for bit.
     */
    public static Tolerances orderedSum(long terms, String what) {
        return new Tolerances(accumulated(terms, elementwise(), what).f32(),
                new Tolerance(0, 0, what + " in F64: the same additions in the order the contract fixes"));
    }

    /** Box-Muller through log, sqrt and cos: float arguments near the zeros of cos lose a few ulp of 2 pi u. */
    public static Tolerances transcendentalChain() {
        return new Tolerances(
                new Tolerance(1e-5, 1e-5, "F32 Box-Muller: 2 pi u rounded in float shifts cos by up to 1e-6"),
                new Tolerance(1e-12, 1e-12, "F64 Box-Muller: a few ulp through log, sqrt, cos"));
    }
}
