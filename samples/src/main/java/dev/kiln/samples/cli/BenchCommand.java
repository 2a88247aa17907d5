package dev.kiln.samples.cli;

import dev.kiln.samples.bench.BenchBackends;
import dev.kiln.samples.bench.CallsBench;
import dev.kiln.samples.bench.GemmBench;
import dev.kiln.samples.bench.MnistCnnBench;
import dev.kiln.samples.bench.MnistLstmBench;
import dev.kiln.samples.bench.MnistMlpBench;
import dev.kiln.samples.bench.MonitoringBench;
import dev.kiln.samples.bench.PredictBench;
import dev.kiln.samples.commandline.CommonOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kiln bench}: performance measurements (programs, not tests). */
@Command(name = "bench",
        description = "Measures performance on this machine.",
        subcommands = {BenchCommand.Gemm.class, BenchCommand.Predict.class, BenchCommand.Calls.class,
                MnistMlpBench.class, MnistCnnBench.class, MnistLstmBench.class, MonitoringBench.class})
final class BenchCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "a benchmark is required: gemm, predict, calls, mnist-mlp, mnist-cnn, mnist-lstm or monitoring");
    }

    /** {@code kiln bench gemm}: F32 gemm GFLOP/s of each backend, and of numpy when present. */
    @Command(name = "gemm",
            description = "F32 gemm GFLOP/s of the backends at the MNIST MLP's products (m x k x n: 128x784x128 NN, "
                    + "784x128x128 TN, 128x128x784 NT), 512^3, 1024^3 and 2048^3, and of numpy (OpenBLAS) in the "
                    + "same run when python3 with numpy is present: medians of rounds that measure each size on every "
                    + "backend, then in numpy.")
    static final class Gemm implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private CommonOptions common;

        @Parameters(arity = "0..*", paramLabel = "BACKEND", description = "Backends to measure (default: cpu opencl).")
        private List<String> backends = new ArrayList<>();

        @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
                description = "Rounds per size, each on every backend then in numpy; the table gives their medians"
                        + " (default: ${DEFAULT-VALUE}).")
        private int rounds;

        @Override
        public Integer call() {
            common.apply(false);
            BenchBackends.check(spec, backends);
            if (rounds < 1) {
                throw new ParameterException(spec.commandLine(), "--rounds must be at least 1");
            }
            return GemmBench.run(System.out, backends, rounds);
        }
    }

    /** {@code kiln bench predict}: latency and throughput of Model.predict at batch 1 and 64. */
    @Command(name = "predict",
            description = "Latency of Model.predict on host rows for a 784-128-10 network at batch 1 and 64 (median and"
                    + " p99 on one thread), and calls per second of one thread and of several sharing the model.")
    static final class Predict implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private CommonOptions common;

        @Option(names = "--calls", paramLabel = "N", description = "Predictions per measurement (default: ${DEFAULT-VALUE}).")
        private int calls = 2000;

        @Option(names = "--threads", paramLabel = "N",
                description = "Threads sharing the model in the throughput column (default: ${DEFAULT-VALUE}).")
        private int threads = Math.max(2, Runtime.getRuntime().availableProcessors());

        @Parameters(arity = "0..*", paramLabel = "BACKEND", description = "Backends to measure (default: cpu opencl).")
        private List<String> backends = new ArrayList<>();

        @Override
        public Integer call() {
            common.apply(false);
            BenchBackends.check(spec, backends);
            if (calls < 100 || threads < 1) {
                throw new ParameterException(spec.commandLine(), "--calls must be at least 100 and --threads at least 1");
            }
            return PredictBench.run(System.out, backends, calls, threads);
        }
    }

    /** {@code kiln bench calls}: what one backend call costs beside its arithmetic, queued and as a round trip. */
    @Command(name = "calls",
            description = "Microseconds per backend call beside its arithmetic: a 64-element add queued back to back"
                    + " (the rate at which the device takes calls) and an add followed by a read of its result (a"
                    + " round trip), the median of 5 rounds.")
    static final class Calls implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private CommonOptions common;

        @Option(names = "--calls", paramLabel = "N", description = "Queued adds per round (default: ${DEFAULT-VALUE}).")
        private int calls = 4000;

        @Parameters(arity = "0..*", paramLabel = "BACKEND", description = "Backends to measure (default: cpu opencl).")
        private List<String> backends = new ArrayList<>();

        @Override
        public Integer call() {
            common.apply(false);
            BenchBackends.check(spec, backends);
            // each round ends with one read, which adds a round trip / calls to the queued figure
            if (calls < 1000) {
                throw new ParameterException(spec.commandLine(), "--calls must be at least 1000, got " + calls);
            }
            return CallsBench.run(System.out, backends, calls);
        }
    }
}
