package dev.kiln.opencl;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.opencl.LstmTrainingStep.Batch;
import dev.kiln.opencl.LstmTrainingStep.Loop;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times one training step (forward, backward, Adam update) of LSTM(128) - Dense(10) on [128, 28, 28] batches, the
 * mnist-lstm sample's network, on the CPU backend and on the default OpenCL device, with the LSTM's loop run two ways
 * over the same weights (see {@link LstmTrainingStep}): the layer as shipped, one gemm and one fused cell kernel per
 * step, and the same LSTM composed from ordinary ops. A program, not a test: run it on an otherwise idle machine.
 * {@code LstmTrainingStepTest} checks that both ways give the same loss and gradients. Each row: the median of the
 * timed steps in milliseconds after warm-up steps, the backend calls that queue work in one step (kernels, copies,
 * fills; see {@link CountingBackend}), and the first step's loss. Arguments: optional timed steps (default 10) and
 * dtype (F32 or F64, default F32). To run it:
 *
 * <pre>
 * mvn -o -q -B -pl opencl-kernels -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * cd opencl-kernels && LD_PRELOAD=$JAVA_HOME/lib/libjsig.so java \
 *     -cp target/test-classes:target/classes:$(cat target/test.classpath) dev.kiln.opencl.LstmStepBenchmark 10 F32
 * </pre>
 */
public final class LstmStepBenchmark {
    private static final int WARM_UP = 3;
    private static final long SEED = 42;

    private LstmStepBenchmark() {
    }

    public static void main(String[] args) {
        int timed = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        DType dtype = args.length > 1 ? DType.valueOf(args[1]) : DType.F32;
        try (Backend cpu = Backends.select("cpu"); OpenClBackend openCl = OpenClBackend.create()) {
            System.out.printf(Locale.ROOT, "load average %.2f, %s, median of %d steps after %d; OpenCL device %s%n%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), dtype, timed, WARM_UP,
                    openCl.device().name());
            System.out.printf("| backend | LSTM loop | ms per step | backend calls per step | first loss |%n"
                    + "|---|---|---|---|---|%n");
            for (Backend backend : new Backend[] {cpu, openCl}) {
                for (Loop loop : Loop.values()) {
                    measure(backend, dtype, loop, timed);
                }
            }
        }
    }

    private static void measure(Backend backend, DType dtype, Loop loop, int timed) {
        CountingBackend counting = new CountingBackend(backend);
        try (Batch batch = Batch.random(counting.backend(), dtype, SEED);
             LstmTrainingStep step = new LstmTrainingStep(counting.backend(), dtype, loop, SEED)) {
            double firstLoss = step.train(batch);
            for (int i = 1; i < WARM_UP; i++) {
                step.train(batch);
            }
            long before = counting.calls();
            double[] millis = new double[timed];
            for (int i = 0; i < timed; i++) {
                long start = System.nanoTime();
                step.train(batch); // reading the loss back waits for the step's kernels
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
            long calls = (counting.calls() - before) / timed;
            Arrays.sort(millis);
            double median = (millis[(timed - 1) / 2] + millis[timed / 2]) / 2;
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %d | %.6f |%n", backend.name(),
                    loop.name().toLowerCase(Locale.ROOT), median, calls, firstLoss);
            System.out.flush();
        }
    }
}
