package dev.kiln.samples.cli;

import dev.kiln.backend.DType;
import dev.kiln.opencl.GemmTuner;
import dev.kiln.opencl.OpenClBackend;
import dev.kiln.samples.commandline.CommonOptions;
import dev.kiln.samples.commandline.ExitCodes;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln tune}: searches the gemm kernels' tuning on one OpenCL device and keeps the fastest for it. */
@Command(name = "tune",
        description = {"Searches the gemm kernels' tuning parameters (block shape, vector width, work-group, k slice) "
                + "on an OpenCL device, over the matrix products training runs. Each candidate's results are checked "
                + "against a reference before it is timed.",
                "The fastest, when it beats the built-in tuning, is stored beside the kernel cache for this device, "
                + "driver and dtype; Kiln uses it from then on. Run it once per device and after driver updates; "
                + "delete the file it names to go back to the built-in tuning."})
final class TuneCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Option(names = "--device", paramLabel = "INDEX|NAME",
            description = "The device: an index from 'kiln devices' or part of a name (default: the one automatic "
                    + "selection picks).")
    private String device;

    @Option(names = "--dtype", paramLabel = "f32|f64", defaultValue = "f32",
            description = "The precision to tune (default ${DEFAULT-VALUE}).")
    private String dtype;

    @Option(names = "--quick", description = "Time small products only: a minute rather than several, but tuned "
            + "for shapes smaller than training's.")
    private boolean quick;

    @Override
    public Integer call() {
        common.apply(false);
        DType type = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32" -> DType.F32;
            case "f64" -> DType.F64;
            default -> throw new ParameterException(spec.commandLine(), "--dtype must be f32 or f64, got '" + dtype
                    + "'");
        };
        PrintWriter out = spec.commandLine().getOut();
        try (OpenClBackend backend = OpenClBackend.onDevice(device)) {
            out.printf(Locale.ROOT, "Tuning gemm on %s (%s, driver %s) in %s: the built-in tuning, then one "
                    + "parameter at a time; each line is the sum of the median times of the workload's products.%n",
                    backend.device().name(), backend.device().type(), backend.device().driverVersion(), type);
            out.flush();
            GemmTuner.Result result = GemmTuner.tune(backend, type, quick, line -> {
                out.println(line);
                out.flush();
            });
            long failed = result.trials().stream().filter(t -> t.failure() != null).count();
            out.printf(Locale.ROOT, "%n%d candidates timed, %d skipped (failed to build, run or match).%n",
                    result.trials().size() - failed, failed);
            if (result.storedAt() == null) {
                out.printf(Locale.ROOT, "The built-in tuning stays (%.2f ms); nothing was stored.%n",
                        result.builtInSeconds() * 1e3);
            } else {
                out.printf(Locale.ROOT, "Chosen: %s, %.2f ms against %.2f ms built-in (%.2fx faster), stored in %s%n",
                        result.chosenKernel(), result.chosenSeconds() * 1e3, result.builtInSeconds() * 1e3,
                        result.builtInSeconds() / result.chosenSeconds(), result.storedAt());
            }
            out.flush();
        }
        return ExitCodes.SUCCESS;
    }
}
