package dev.kiln.check.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParityReportTest {
    private static final Tolerance TOLERANCE = new Tolerance(1e-6, 1e-5, "test");

    private static ParityResult result(String op, String shape, double expected, double actual) {
        return new ParityResult(op, shape, "out",
                Comparison.of(new double[] {1, expected}, new double[] {1, actual}, TOLERANCE), TOLERANCE, null);
    }

    private static ParityReport report(ParityResult... results) {
        return new ParityReport("cpu F64", "opencl F32", "gpu 0", DType.F32, List.of(results));
    }

    @Test
    void allPassingGivesAPassVerdictWithTheCounts() {
        ParityReport report = report(result("exp", "7x93", 2, 2), result("exp", "1x1", 3, 3));
        assertTrue(report.passed());
        assertEquals("PASS opencl F32 on gpu 0: 2 of 2 cases within tolerance against cpu F64", report.verdict());
    }

    @Test
    void aFailureNamesItsCaseInTheVerdictAndTheFailureTable() {
        ParityReport report = report(result("exp", "7x93", 2, 2), result("gemm", "7x93x31,tA", 2, 2.5),
                new ParityResult("copy", "651", "", null, Tolerance.EXACT,
                        "opencl F32 failed: out of memory\ndetails"));
        assertFalse(report.passed());
        assertEquals(2, report.failedCount());
        assertTrue(report.verdict().startsWith("FAIL opencl F32 on gpu 0: 1 of 3 cases"), report.verdict());
        assertTrue(report.verdict().contains("gemm[7x93x31,tA], copy[651]"), report.verdict());
        String failures = report.table(true);
        assertFalse(failures.contains("exp[7x93]"), failures);
        assertTrue(failures.contains("gemm[7x93x31,tA]"), failures);
        assertTrue(failures.contains("opencl F32 failed: out of memory") && !failures.contains("details"), failures);
    }

    @Test
    void theOpTableHasOneRowPerOpWithItsWorstShape() {
        ParityReport report = report(result("exp", "1x1", 2, 2), result("exp", "7x93", 2, 2.5), result("tanh",
                "1x1", 1, 1));
        String[] rows = report.opTable().split("\n");
        assertEquals(3, rows.length, report.opTable());
        assertTrue(rows[1].startsWith("exp") && rows[1].contains("1/2") && rows[1].contains("7x93")
                && rows[1].endsWith("FAIL"), rows[1]);
        assertTrue(rows[2].startsWith("tanh") && rows[2].endsWith("pass"), rows[2]);
    }

    @Test
    void theOpTableShowsTheToleranceTheWorstShapeWasHeldTo() {
        Tolerance loose = new Tolerance(1e-4, 1e-3, "inner dimension 1024");
        ParityResult small = result("gemm", "1x1x1", 2, 2.00001);
        ParityResult large = new ParityResult("gemm", "1024x1024x1024", "out",
                Comparison.of(new double[] {2}, new double[] {2.0019}, loose), loose, null);
        String[] rows = report(small, large).opTable().split("\n");
        assertTrue(rows[0].contains("tolerance"), rows[0]);
        assertTrue(rows[1].contains("1024x1024x1024") && rows[1].contains(loose.describe()), rows[1]);
        assertTrue(rows[1].contains(String.format(java.util.Locale.ROOT, "%.3e", 0.0019 / 2.0019)), rows[1]);
    }
}
