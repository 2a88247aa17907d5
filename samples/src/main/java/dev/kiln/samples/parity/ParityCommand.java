package dev.kiln.samples.parity;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.BackendUnavailableException;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.backend.DeviceInfo;
import dev.kiln.check.parity.OpSpec;
import dev.kiln.check.parity.ParityCatalogue;
import dev.kiln.check.parity.ParityReport;
import dev.kiln.check.parity.ParityRunner;
import dev.kiln.check.parity.Side;
import dev.kiln.samples.commandline.ExitCodes;
import dev.kiln.samples.report.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln parity}: runs the parity catalogue on each chosen OpenCL device against the CPU backend in F64 and
 * reports, per device and dtype, a table of every op and a one-line verdict.
 */
@Command(name = "parity",
        mixinStandardHelpOptions = true,
        description = {"Checks that every kernel computes the right numbers on your OpenCL devices: each op of the "
                + "catalogue (every shape, forward and backward) is compared with the CPU backend in F64.",
                "Each device's backend is opened directly, so no kernel falls back to the CPU during the check.",
                "A CPU device (PoCL) is checked a second time emulating a GPU, which runs the GPU kernels under a "
                        + "GPU's limits (see --gpu-emulation).",
                "Exit code 0 when every case passes, 1 when any fails, 3 when no OpenCL device is usable."})
public final class ParityCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--device", paramLabel = "all|INDEX|NAME", defaultValue = DeviceChoice.ALL,
            description = "Devices to check: all (default), an index from 'kiln devices', or part of a name.")
    private String device;

    @Option(names = "--dtype", paramLabel = "f32|f64|all", defaultValue = "all",
            description = "Precisions to check (default all; F64 only on devices with fp64).")
    private String dtype;

    @Option(names = "--gpu-emulation", paramLabel = "auto|off|only", defaultValue = "auto",
            description = "auto (default): each device as it is, and a CPU device once more emulating a GPU; off: "
                    + "each device as it is; only: each device emulating a GPU.")
    private String gpuEmulation;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every result to FILE as JSON.")
    private Path json;

    @Option(names = "--quick", description = "Run the representative subset (small shapes, every op) only.")
    private boolean quick;

    @Option(names = "--seed", defaultValue = "" + ParityRunner.DEFAULT_SEED,
            description = "Seed of the random inputs (default ${DEFAULT-VALUE}).")
    private long seed;

    @Override
    public Integer call() {
        List<DType> dtypes = dtypes();
        GpuEmulationChoice emulation = GpuEmulationChoice.parse(gpuEmulation);
        if (emulation == null) {
            throw new ParameterException(spec.commandLine(),
                    "--gpu-emulation must be auto, off or only, got '" + gpuEmulation + "'");
        }
        BackendProvider provider = Backends.provider("opencl");
        BackendProvider.Probe probe = provider.probe();
        if (!probe.available()) {
            throw new BackendUnavailableException("parity needs an OpenCL device: " + probe.reason());
        }
        List<DeviceInfo> devices;
        try {
            devices = DeviceChoice.select(probe.devices(), device);
        } catch (KilnException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        List<OpSpec> catalogue = ParityCatalogue.of(quick);
        List<ParityJson.DeviceRun> runs = new ArrayList<>();
        List<String> verdicts = new ArrayList<>();
        boolean allPassed = true;
        String referenceLabel;
        try (Backend cpu = Backends.select("cpu")) {
            Side reference = new Side(cpu, DType.F64);
            referenceLabel = reference.label();
            for (DeviceInfo info : devices) {
                for (boolean emulated : emulation.runs(info)) {
                    allPassed &= checkDevice(provider, info, emulated, dtypes, reference, catalogue, out, runs,
                            verdicts);
                }
            }
        }
        out.println();
        verdicts.forEach(out::println);
        out.flush();
        if (json != null) {
            write(new ParityJson(referenceLabel, quick, runs));
        }
        if (runs.isEmpty()) {
            spec.commandLine().getErr().println("kiln: nothing was checked: no chosen device supports " + dtypes);
            return ExitCodes.FAILURE;
        }
        return allPassed ? ExitCodes.SUCCESS : ExitCodes.FAILURE;
    }

    private boolean checkDevice(BackendProvider provider, DeviceInfo info, boolean emulated, List<DType> dtypes,
                                Side reference, List<OpSpec> catalogue, PrintWriter out,
                                List<ParityJson.DeviceRun> runs, List<String> verdicts) {
        String where = "device " + info.index() + " (" + info.name() + (emulated ? ", emulating a GPU" : "")
                + ", driver " + info.driverVersion() + ")";
        // Opened by the provider rather than through Backends.select, whose fallback would hand back the CPU backend.
        try (Backend openCl = EmulatedGpu.create(provider, info, emulated)) {
            boolean passed = true;
            for (DType type : dtypes) {
                if (!openCl.supports(type)) {
                    verdicts.add(where + ": SKIP " + type + ": the device does not support " + type);
                    continue;
                }
                long start = System.nanoTime();
                ParityReport report = new ParityRunner(seed).run(reference, new Side(openCl, type), catalogue);
                double seconds = (System.nanoTime() - start) / 1e9;
                out.printf(Locale.ROOT, "%n== %s, %s against %s: %d cases%n", where, type, report.reference(),
                        report.results().size());
                out.print(report.opTable());
                if (!report.passed()) {
                    out.printf("%nfailed cases:%n");
                    out.print(report.table(true));
                }
                String verdict = String.format(Locale.ROOT, "device %d: %s (%.1f s)", info.index(),
                        report.verdict(), seconds);
                out.println(verdict);
                out.flush();
                verdicts.add(verdict);
                runs.add(ParityJson.DeviceRun.of(info.index(), emulated, report, seconds));
                passed &= report.passed();
            }
            return passed;
        } catch (KilnException e) {
            verdicts.add(where + ": FAIL, could not run: " + e.getMessage().lines().findFirst().orElse(""));
            return false;
        }
    }

    private List<DType> dtypes() {
        return switch (dtype.trim().toLowerCase(Locale.ROOT)) {
            case "f32" -> List.of(DType.F32);
            case "f64" -> List.of(DType.F64);
            case "all" -> List.of(DType.F32, DType.F64);
            default -> throw new ParameterException(spec.commandLine(),
                    "--dtype must be f32, f64 or all, got '" + dtype + "'");
        };
    }

    private void write(ParityJson report) {
        try {
            Files.writeString(json, Json.write(report));
        } catch (IOException e) {
            throw new KilnException("could not write the parity report to " + json + ": " + e.getMessage(), e);
        }
    }
}
