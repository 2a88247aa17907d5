package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.check.parity.OpCase;
import dev.kiln.check.parity.OpSpec;
import dev.kiln.check.parity.ParityCatalogue;
import dev.kiln.check.parity.ParityReport;
import dev.kiln.check.parity.ParityRunner;
import dev.kiln.check.parity.Side;
import java.util.List;
import java.util.Set;

/**
 * What {@link OclgrindTest} runs under Oclgrind, in a JVM of its own: the GPU kernels' parity cases of gemm (every
 * transpose, tile edges), the reductions, softmax and a short training run, on small inputs, in F32 and F64. Exits
 * with 1 when a case fails.
 */
final class OclgrindWorkload {
    static final Set<String> OPS = Set.of("gemm", "gemm_batched", "sum", "mean", "max", "min", "argmax", "softmax",
            "log_softmax", "softmax.backward", "log_softmax.backward", "softmax_cross_entropy",
            "softmax_cross_entropy.backward", "training.mlp_adam");
    // Oclgrind interprets every work-item and checks every access: a few ten thousand elements per case at most.
    static final int MAX_INPUT_ELEMENTS = 20_000;

    private OclgrindWorkload() {
    }

    public static void main(String[] args) {
        List<OpSpec> specs = ParityCatalogue.all().stream().filter(spec -> OPS.contains(spec.op()))
                .map(OclgrindWorkload::small).toList();
        boolean passed = true;
        try (Backend cpu = Backends.select("cpu"); Backend openCl = OpenClBackend.create()) {
            if (!openCl.device().name().contains("Oclgrind")) {
                throw new IllegalStateException("not run under oclgrind: the device is " + openCl.device().name());
            }
            for (DType dtype : List.of(DType.F32, DType.F64)) {
                if (!openCl.supports(dtype)) {
                    continue;
                }
                ParityReport report = new ParityRunner().run(new Side(cpu, DType.F64), new Side(openCl, dtype), specs);
                System.out.println(report.verdict());
                if (!report.passed()) {
                    System.out.print(report.table(true));
                }
                passed &= report.passed();
            }
        }
        System.exit(passed ? 0 : 1);
    }

    private static OpSpec small(OpSpec spec) {
        List<OpCase> cases = spec.cases().stream()
                .filter(c -> c.inputs().stream().mapToInt(input -> input.length()).sum() <= MAX_INPUT_ELEMENTS)
                .toList();
        return new OpSpec(spec.op(), spec.covers(), cases);
    }
}
