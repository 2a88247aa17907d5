package dev.kiln.samples.parity;

import dev.kiln.check.parity.ParityReport;
import dev.kiln.check.parity.ParityResult;
import dev.kiln.check.parity.Tolerance;
import java.util.List;

/**
 * The JSON form of {@code kiln parity}, a contract:
 * {@code {"devices": [{"index", "name", "emulated_gpu", "dtype", "passed", "failed", "seconds", "results": [{"op",
 * "shape", "output", "max_abs", "max_rel", "worst_index", "tolerance", "pass", "error"}]}]}}, where {@code max_rel} is the
 * largest relative error over all elements, over the floor the tolerance sets for tiny references (see
 * {@link dev.kiln.check.parity.Comparison}), and {@code tolerance} holds the margins the case was held to.
 *
 * @param reference the side every device was compared with
 * @param quick whether only the quick subset ran
 * @param devices one entry per device and dtype
 */
record ParityJson(String reference, boolean quick, List<DeviceRun> devices) {

    /** One device in one dtype, as it is or emulating a GPU. */
    record DeviceRun(int index, String name, boolean emulatedGpu, String dtype, long passed, long failed,
                     double seconds, List<CaseResult> results) {
        static DeviceRun of(int index, boolean emulatedGpu, ParityReport report, double seconds) {
            return new DeviceRun(index, report.device(), emulatedGpu, report.dtype().name(), report.passedCount(),
                    report.failedCount(), seconds, report.results().stream().map(CaseResult::of).toList());
        }
    }

    /** One op on one shape; errors are null when both sides ran. */
    record CaseResult(String op, String shape, String output, double maxAbs, double maxRel, long worstIndex,
                      ToleranceJson tolerance, boolean pass, String error) {
        static CaseResult of(ParityResult r) {
            return new CaseResult(r.op(), r.shape(), r.output(), r.maxAbsolute(), r.maxRelative(), r.worstIndex(),
                    ToleranceJson.of(r.tolerance()), r.passed(), r.error());
        }
    }

    /** The margins and why. */
    record ToleranceJson(double absolute, double relative, String reason) {
        static ToleranceJson of(Tolerance t) {
            return new ToleranceJson(t.absolute(), t.relative(), t.reason());
        }
    }
}
