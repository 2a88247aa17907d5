package dev.kiln.check.parity;

import dev.kiln.backend.DType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Results of one parity run.
 *
 * @param reference label of the reference side ("cpu F64")
 * @param candidate label of the side under test ("opencl F32")
 * @param device the candidate's device name
 * @param dtype the candidate's dtype
 * @param results one per case, in catalogue order
 */
public record ParityReport(String reference, String candidate, String device, DType dtype,
                           List<ParityResult> results) {
    public ParityReport {
        results = List.copyOf(results);
    }

    public long passedCount() {
        return results.stream().filter(ParityResult::passed).count();
    }

    public long failedCount() {
        return results.size() - passedCount();
    }

    public boolean passed() {
        return failedCount() == 0;
    }

    public List<ParityResult> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    /** One line: "PASS opencl F32 on pthread-cpu: 612 of 612 cases within tolerance against cpu F32". */
    public String verdict() {
        return String.format(Locale.ROOT, "%s %s on %s: %d of %d cases within tolerance against %s%s",
                passed() ? "PASS" : "FAIL", candidate, device, passedCount(), results.size(), reference,
                passed() ? "" : " (" + failedCount() + " failed: " + firstLabels() + ")");
    }

    private String firstLabels() {
        List<String> labels = failures().stream().map(ParityResult::label).limit(5).toList();
        return String.join(", ", labels) + (failedCount() > labels.size() ? ", ..." : "");
    }

    /**
     * One row per op: cases passed, and the shape that came closest to its tolerance (a failing one first) with its
     * largest absolute and relative errors and the tolerance it was held to.
     */
    public String opTable() {
        Map<String, List<ParityResult>> byOp = new LinkedHashMap<>();
        results.forEach(r -> byOp.computeIfAbsent(r.op(), op -> new ArrayList<>()).add(r));
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-32s %9s %10s %10s  %-40s %-22s %s%n",
                "op", "passed", "max abs", "max rel", "worst shape", "tolerance", "result"));
        byOp.forEach((op, cases) -> {
            long passed = cases.stream().filter(ParityResult::passed).count();
            ParityResult worst = cases.stream()
                    .max(Comparator.comparing((ParityResult r) -> !r.passed()).thenComparingDouble(ParityReport::used))
                    .orElseThrow();
            String errors = worst.error() == null
                    ? String.format(Locale.ROOT, "%10.3e %10.3e", worst.maxAbsolute(), worst.maxRelative())
                    : String.format(Locale.ROOT, "%10s %10s", "-", "-");
            table.append(String.format(Locale.ROOT, "%-32s %9s %s  %-40s %-22s %s%n", op, passed + "/" + cases.size(),
                    errors, worst.shape(), worst.tolerance().describe(), passed == cases.size() ? "pass" : "FAIL"));
        });
        return table.toString();
    }

    /** How much of its tolerance a case used: 1 at the limit, infinite when it could not run. */
    private static double used(ParityResult result) {
        Tolerance tolerance = result.tolerance();
        if (result.error() != null) {
            return Double.POSITIVE_INFINITY;
        }
        if (tolerance.relative() > 0) {
            return result.maxRelative() / tolerance.relative();
        }
        if (tolerance.absolute() > 0) {
            return result.maxAbsolute() / tolerance.absolute();
        }
        return result.maxAbsolute() > 0 ? Double.POSITIVE_INFINITY : 0;
    }

    /** A fixed-width table of every result (or of the failures only). */
    public String table(boolean failuresOnly) {
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-52s %-10s %10s %10s %9s  %-22s %s%n",
                "op[shape]", "output", "max abs", "max rel", "worst", "tolerance", "result"));
        for (ParityResult result : failuresOnly ? failures() : results) {
            if (result.error() != null) {
                table.append(String.format(Locale.ROOT, "%-52s %-10s %10s %10s %9s  %-22s FAIL %s%n",
                        result.label(), "-", "-", "-", "-", result.tolerance().describe(), firstLine(result.error())));
            } else {
                table.append(String.format(Locale.ROOT, "%-52s %-10s %10.3e %10.3e %9d  %-22s %s%n",
                        result.label(), result.output(), result.maxAbsolute(), result.maxRelative(),
                        result.worstIndex(), result.tolerance().describe(), result.passed() ? "pass" : "FAIL"
                                + String.format(Locale.ROOT, " (expected %s, got %s)",
                                result.comparison().expected(), result.comparison().actual())));
            }
        }
        return table.toString();
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }
}
