package dev.kiln.samples.cli;

import dev.kiln.samples.bench.GemmBench;
import dev.kiln.samples.bench.MnistCnnBench;
import dev.kiln.samples.bench.MnistLstmBench;
import dev.kiln.samples.bench.MnistMlpBench;
import dev.kiln.samples.bench.MonitoringBench;
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
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code kiln bench}: performance measurements (programs, not tests). */
@Command(name = "bench",
        description = "Measures performance on this machine.",
        subcommands = {BenchCommand.Gemm.class, MnistMlpBench.class, MnistCnnBench.class, MnistLstmBench.class,
                MonitoringBench.class})
final class BenchCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "a benchmark is required: gemm, mnist-mlp, mnist-cnn or mnist-lstm");
    }

    /** {@code kiln bench gemm}: F32 gemm GFLOP/s of each backend, and of numpy when present. */
    @Command(name = "gemm",
            description = "F32 gemm GFLOP/s of the backends at 128x784x128, 512^3, 1024^3 and 2048^3, and of "
                    + "numpy (OpenBLAS) in the same run when python3 with numpy is present.")
    static final class Gemm implements Callable<Integer> {
        private static final Set<String> BACKENDS = Set.of("cpu", "opencl");

        @Spec
        private CommandSpec spec;

        @Mixin
        private CommonOptions common;

        @Parameters(arity = "0..*", paramLabel = "BACKEND", description = "Backends to measure (default: cpu opencl).")
        private List<String> backends = new ArrayList<>();

        @Override
        public Integer call() {
            common.apply(false);
            for (String backend : backends) {
                if (!BACKENDS.contains(backend)) {
                    throw new ParameterException(spec.commandLine(),
                            "unknown backend '" + backend + "'; expected cpu or opencl");
                }
            }
            return GemmBench.run(System.out, backends);
        }
    }
}
