package dev.kiln.opencl;

import dev.kiln.KilnException;
import dev.kiln.backend.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code kiln tune}: searches the gemm kernels' tuning parameters on one device over the products training runs
 * ({@link GemmWorkload}), starting from the built-in table's tuning and changing one parameter at a time while that
 * gains more than the noise margin ({@link GemmCandidates}). Each candidate's results are checked against the
 * reference before it is timed; one that fails to build, launch or match is skipped with the reason. The winner is
 * timed against the built-in tuning again, alternately, and stored ({@link GemmTuningStore}) only when it is faster;
 * backends on the device then use it.
 */
public final class GemmTuner {
    /** A candidate must beat the best so far by this fraction to replace it, so that noise does not wander. */
    private static final double MARGIN = 0.03;
    private static final int PASSES = 2;
    private static final int CONFIRMATION_ROUNDS = 3;

    /**
     * One candidate measured.
     *
     * @param kernel the kernel the tuning selects and its parameters, in one line
     * @param tuning its parameters, as stored
     * @param seconds the sum over the workload's products of the median seconds, NaN when it failed
     * @param failure why it was skipped, or null
     */
    public record Trial(String kernel, Map<String, String> tuning, double seconds, String failure) {
        public Trial {
            tuning = Map.copyOf(tuning);
        }
    }

    /**
     * What a search found.
     *
     * @param device the device tuned
     * @param dtype the precision tuned
     * @param trials every candidate in the order measured, the built-in tuning first
     * @param builtInSeconds the built-in tuning's median time in the final alternating comparison
     * @param chosenSeconds the chosen tuning's median time in that comparison
     * @param chosenKernel the kernel the chosen tuning selects and its parameters, in one line
     * @param chosen the tuning backends use from now on
     * @param storedAt the file it was stored in, or null when the built-in one stays (or the cache is off)
     */
    public record Result(String device, DType dtype, List<Trial> trials, double builtInSeconds, double chosenSeconds,
                         String chosenKernel, Map<String, String> chosen, Path storedAt) {
        public Result {
            trials = List.copyOf(trials);
            chosen = Map.copyOf(chosen);
        }
    }

    private final OpenClBackend backend;
    private final DType dtype;
    private final List<GemmWorkload.Shape> shapes;
    private final Consumer<String> progress;
    private final List<Trial> trials = new ArrayList<>();

    private GemmTuner(OpenClBackend backend, DType dtype, List<GemmWorkload.Shape> shapes, Consumer<String> progress) {
        this.backend = backend;
        this.dtype = dtype;
        this.shapes = shapes;
        this.progress = progress;
    }

    /**
     * Tunes {@code backend}'s device for {@code dtype} over the products of training, or over small ones when
     * {@code quick}, reporting each trial to {@code progress}.
     */
    public static Result tune(OpenClBackend backend, DType dtype, boolean quick, Consumer<String> progress) {
        return tune(backend, dtype, quick ? GemmWorkload.QUICK : GemmWorkload.TRAINING, progress);
    }

    static Result tune(OpenClBackend backend, DType dtype, List<GemmWorkload.Shape> shapes,
                       Consumer<String> progress) {
        if (dtype == DType.F64 && !backend.device().fp64()) {
            throw new KilnException(backend.device().name() + " has no fp64; tune F32 instead");
        }
        if (dtype != DType.F32 && dtype != DType.F64) {
            throw new KilnException("gemm is tuned for F32 or F64, got " + dtype);
        }
        return new GemmTuner(backend, dtype, shapes, progress).search();
    }

    private Result search() {
        GemmTuning builtIn = backend.builtInGemmTuning(dtype);
        try (GemmWorkload workload = new GemmWorkload(backend, dtype, shapes, 42)) {
            // a first pass unmeasured, so that the built-in tuning does not pay for the JIT and the first launches
            backend.overrideGemmTuning(dtype, builtIn);
            workload.seconds();
            double builtInSeconds = measure(workload, builtIn);
            if (Double.isNaN(builtInSeconds)) {
                throw new KilnException("the built-in gemm tuning fails on " + backend.device().name() + ": "
                        + trials.get(0).failure() + "; run `kiln parity` and report it");
            }
            GemmTuning best = builtIn;
            double bestSeconds = builtInSeconds;
            Set<GemmTuning> seen = new HashSet<>(Set.of(builtIn));
            for (int pass = 0; pass < PASSES; pass++) {
                boolean improved = false;
                for (GemmTuning candidate : GemmCandidates.neighbours(best)) {
                    if (!seen.add(candidate)) {
                        continue;
                    }
                    double seconds = measure(workload, candidate);
                    if (seconds < bestSeconds * (1 - MARGIN)) {
                        best = candidate;
                        bestSeconds = seconds;
                        improved = true;
                    }
                }
                if (!improved) {
                    break;
                }
            }
            return conclude(workload, builtIn, best);
        } finally {
            backend.overrideGemmTuning(dtype, backend.storedGemmTuning(dtype).orElse(builtIn));
        }
    }

    /** Times the built-in tuning and the best alternately; stores the best only when it wins that comparison. */
    private Result conclude(GemmWorkload workload, GemmTuning builtIn, GemmTuning best) {
        GemmTuningStore store = backend.tuningStore();
        if (best.equals(builtIn)) {
            progress.accept("the built-in tuning is the fastest found");
            return new Result(backend.device().name(), dtype, trials, trials.get(0).seconds(),
                    trials.get(0).seconds(), describe(builtIn), GemmTuningStore.format(builtIn), null);
        }
        double[] builtInTimes = new double[CONFIRMATION_ROUNDS];
        double[] bestTimes = new double[CONFIRMATION_ROUNDS];
        for (int round = 0; round < CONFIRMATION_ROUNDS; round++) {
            backend.overrideGemmTuning(dtype, builtIn);
            builtInTimes[round] = workload.seconds();
            backend.overrideGemmTuning(dtype, best);
            bestTimes[round] = workload.seconds();
        }
        double builtInSeconds = median(builtInTimes);
        double bestSeconds = median(bestTimes);
        progress.accept(String.format(Locale.ROOT, "confirmation: built-in %.2f ms, best %.2f ms",
                builtInSeconds * 1e3, bestSeconds * 1e3));
        boolean wins = bestSeconds < builtInSeconds;
        GemmTuning chosen = wins ? best : builtIn;
        Path stored = null;
        if (wins && store != null) {
            stored = store.write(backend.clDevice(), dtype, best, Map.of(
                    "measuredSeconds", Double.toString(bestSeconds),
                    "builtInSeconds", Double.toString(builtInSeconds)));
        }
        return new Result(backend.device().name(), dtype, trials, builtInSeconds, wins ? bestSeconds : builtInSeconds,
                describe(chosen), GemmTuningStore.format(chosen), stored);
    }

    /** The workload's seconds under {@code tuning}, or NaN when it fails (recorded with the reason). */
    private double measure(GemmWorkload workload, GemmTuning tuning) {
        Map<String, String> values = GemmTuningStore.format(tuning);
        String kernel = describe(tuning);
        try {
            backend.overrideGemmTuning(dtype, tuning);
            if (!tuning.registerBlocked()) {
                long group = OpenClGemm.tiledGroup(tuning);
                long limit = backend.workGroupLimit(dtype, KernelFamily.GEMM, "gemm_tiled");
                if (group > limit) {
                    // the backend would run gemm_general instead, so timing it would say nothing of this tuning
                    throw new KilnException("its work-group of " + group + " work-items exceeds the device's limit of "
                            + limit);
                }
            }
            double seconds = workload.seconds();
            trials.add(new Trial(kernel, values, seconds, null));
            progress.accept(String.format(Locale.ROOT, "%9.2f ms  %s", seconds * 1e3, kernel));
            return seconds;
        } catch (KilnException e) {
            trials.add(new Trial(kernel, values, Double.NaN, e.getMessage()));
            progress.accept("  skipped     " + kernel + ": " + e.getMessage());
            return Double.NaN;
        }
    }

    /** The parameters of the kernel the tuning selects, in one line. */
    static String describe(GemmTuning t) {
        return t.registerBlocked()
                ? String.format(Locale.ROOT, "gemm_register MR=%d VW=%d NV=%d group=%dx%d kslice=%d", t.rows(),
                        t.vectorWidth(), t.vectors(), t.groupRows(), t.groupColumns(), t.depthBlock())
                : String.format(Locale.ROOT, "gemm_tiled TS=%d WPT=%d kslice=%d", t.tile(), t.workPerItem(),
                        t.depthBlock());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
