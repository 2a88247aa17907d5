package dev.kiln.check.parity;

import dev.kiln.backend.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs catalogue cases on a reference and a candidate side with the same host-drawn inputs and compares every
 * output of each case.
 */
public final class ParityRunner {
    /** Seed the command and the tests use unless told otherwise. */
    public static final long DEFAULT_SEED = 20_240_601L;

    private final long seed;

    public ParityRunner(long seed) {
        this.seed = seed;
    }

    public ParityRunner() {
        this(DEFAULT_SEED);
    }

    /** Every case of every spec, in catalogue order. */
    public ParityReport run(Side reference, Side candidate, List<OpSpec> specs) {
        List<ParityResult> results = new ArrayList<>();
        for (OpSpec spec : specs) {
            for (OpCase opCase : spec.cases()) {
                results.add(run(reference, candidate, spec, opCase));
            }
        }
        return new ParityReport(reference.label(), candidate.label(), candidate.backend().device().name(),
                candidate.dtype(), results);
    }

    /** One case; a side that throws makes a failed result carrying the message. */
    public ParityResult run(Side reference, Side candidate, OpSpec spec, OpCase opCase) {
        Tolerance tolerance = opCase.tolerances().at(reference.dtype(), candidate.dtype());
        List<double[]> inputs = opCase.sample(spec.op(), seed,
                OpCase.roundsToFloat(reference.dtype(), candidate.dtype()));
        List<Output> expected;
        List<Output> actual;
        try {
            expected = execute(reference, opCase, inputs);
        } catch (RuntimeException e) {
            return failed(spec, opCase, tolerance, "reference " + reference.label() + " failed: " + e.getMessage());
        }
        try {
            actual = execute(candidate, opCase, inputs);
        } catch (RuntimeException e) {
            return failed(spec, opCase, tolerance, candidate.label() + " failed: " + e.getMessage());
        }
        return compared(spec, opCase, tolerance, expected, actual);
    }

    private static List<Output> execute(Side side, OpCase opCase, List<double[]> inputs) {
        try (Invocation call = new Invocation(side.backend(), side.dtype())) {
            List<Buffer> buffers = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                buffers.add(call.upload(opCase.inputs().get(i), inputs.get(i)));
            }
            return opCase.execution().run(call, buffers);
        }
    }

    private static ParityResult compared(OpSpec spec, OpCase opCase, Tolerance tolerance,
                                         List<Output> expected, List<Output> actual) {
        if (expected.size() != actual.size()) {
            return failed(spec, opCase, tolerance, "the sides returned " + expected.size() + " and " + actual.size()
                    + " outputs");
        }
        ParityResult decisive = null;
        for (int i = 0; i < expected.size(); i++) {
            Output reference = expected.get(i);
            double[] values = actual.get(i).values();
            if (values.length != reference.values().length) {
                return failed(spec, opCase, tolerance, "output '" + reference.name() + "' has " + values.length
                        + " elements, expected " + reference.values().length);
            }
            Comparison comparison = Comparison.of(reference.values(), values, tolerance);
            ParityResult result = new ParityResult(spec.op(), opCase.shape(), reference.name(), comparison,
                    tolerance, null);
            if (decisive == null || decides(comparison, decisive.comparison())) {
                decisive = result;
            }
        }
        return decisive;
    }

    private static boolean decides(Comparison candidate, Comparison current) {
        if (candidate.passed() != current.passed()) {
            return !candidate.passed();
        }
        return candidate.maxAbsolute() > current.maxAbsolute();
    }

    private static ParityResult failed(OpSpec spec, OpCase opCase, Tolerance tolerance, String error) {
        return new ParityResult(spec.op(), opCase.shape(), "", null, tolerance, error);
    }
}
