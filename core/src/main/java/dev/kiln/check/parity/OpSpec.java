package dev.kiln.check.parity;

import java.util.List;

/**
 * An op of the catalogue: its name in reports, the Backend methods and enum constants it exercises, and the
 * cases (shapes and variants) it runs.
 *
 * @param op report name, snake case like the kernels ("gemm", "sigmoid.backward", "update.adam")
 * @param covers what it exercises, for the coverage check
 * @param cases shapes and variants to run
 */
public record OpSpec(String op, List<Coverage> covers, List<OpCase> cases) {
    public OpSpec {
        covers = List.copyOf(covers);
        cases = List.copyOf(cases);
        if (cases.isEmpty()) {
            throw new IllegalArgumentException("op spec '" + op + "' has no cases");
        }
    }

    /** This spec restricted to its quick cases, or null when it has none. */
    public OpSpec quickOnly() {
        List<OpCase> quick = cases.stream().filter(OpCase::quick).toList();
        return quick.isEmpty() ? null : new OpSpec(op, covers, quick);
    }
}
