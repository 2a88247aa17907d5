package dev.kiln.samples.bench;

import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendLock;
import dev.kiln.backend.BinaryOp;
import dev.kiln.backend.Broadcast;
import dev.kiln.backend.DType;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code kiln bench calls}: what a backend call costs beside its arithmetic. A 64-element add queued back to back
 * gives the rate at which the device takes calls; an add followed by a read of its result gives a round trip, as a
 * training step ends with the read of its loss. A step's calls times the first figure is a floor under its time that
 * no kernel can lower (the MNIST MLP makes 16 calls a step, see BENCHMARKS.md).
 */
public final class CallsBench {
    /** Elements of the add: a launch with nothing to compute. */
    static final int ELEMENTS = 64;
    /** Rounds per backend; the first warms up and is not counted. */
    static final int ROUNDS = 6;

    private CallsBench() {
    }

    /** A backend's median microseconds per queued call and per round trip over the counted rounds. */
    public record Cell(String backend, double queuedMicros, double roundTripMicros) {
    }

    /** Measures every backend of {@code names} (default cpu and opencl) with {@code calls} adds a round. */
    public static int run(PrintStream out, List<String> names, int calls) {
        List<Cell> cells = new ArrayList<>();
        for (String name : BenchBackends.orAll(names)) {
            Backend backend = BenchBackends.open(out, name);
            if (backend == null) {
                continue;
            }
            try (backend) {
                cells.add(measure(name, backend, calls));
            }
        }
        out.println();
        out.println("| backend | queued call (us) | call and read (us) |");
        out.println("|---|---|---|");
        for (Cell c : cells) {
            out.printf(Locale.ROOT, "| %s | %.1f | %.1f |%n", c.backend(), c.queuedMicros(), c.roundTripMicros());
        }
        return 0;
    }

    /** The cell of {@code backend}: {@link #ROUNDS} rounds of {@code calls} queued adds and calls / 4 round trips. */
    static Cell measure(String name, Backend backend, int calls) {
        return BackendLock.holding(backend, () -> {
            try (Tensor sum = Tensor.zeros(backend, DType.F32, Shape.of(ELEMENTS));
                 Tensor step = Tensor.full(backend, DType.F32, Shape.of(ELEMENTS), 1)) {
                double[] queued = new double[ROUNDS - 1];
                double[] roundTrips = new double[ROUNDS - 1];
                int trips = Math.max(1, calls / 4);
                for (int round = 0; round < ROUNDS; round++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < calls; i++) {
                        add(backend, sum, step);
                    }
                    sum.toDoubleArray(); // the read waits for the last add, and so for every one queued
                    long queuedEnd = System.nanoTime();
                    for (int i = 0; i < trips; i++) {
                        add(backend, sum, step);
                        sum.toDoubleArray();
                    }
                    long end = System.nanoTime();
                    if (round > 0) {
                        queued[round - 1] = (queuedEnd - start) / 1e3 / calls;
                        roundTrips[round - 1] = (end - queuedEnd) / 1e3 / trips;
                    }
                }
                return new Cell(name, median(queued), median(roundTrips));
            }
        });
    }

    private static void add(Backend backend, Tensor sum, Tensor step) {
        backend.binary(BinaryOp.ADD, Broadcast.same(ELEMENTS), sum.buffer(), step.buffer(), sum.buffer());
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
