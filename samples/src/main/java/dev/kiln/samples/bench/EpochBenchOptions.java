package dev.kiln.samples.bench;

import dev.kiln.KilnException;
import dev.kiln.backend.BackendUnavailableException;
import dev.kiln.samples.commandline.DeviceList;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** The options of every training benchmark: the backends, the epochs timed after a warm-up, the profile, the data. */
final class EpochBenchOptions {
    @Parameters(arity = "0..*", paramLabel = "BACKEND",
            description = "Backends to measure, in order (default: cpu opencl); unavailable ones are reported.")
    List<String> backends = new ArrayList<>();

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
            description = "Timed epochs; the median is reported (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "1",
            description = "Untimed epochs before the timed ones (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = "--profile", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Profile one more epoch after timing (default: on).")
    boolean profile;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: the kiln.data setting).")
    Path data;

    @Option(names = "--devices", paramLabel = "all|0,1|cpu,0",
            description = "Instead of the backends: throughput on the first device listed alone and with a replica on"
                    + " each one (as kiln train --devices), the speed-up, scaling efficiency and exchange share.")
    String devices;

    /** Fails as a usage error on an unknown backend or a count out of range. */
    void check(CommandSpec spec) {
        BenchBackends.check(spec, backends);
        if (epochs < 1 || warmUp < 0) {
            throw new ParameterException(spec.commandLine(), "--epochs must be at least 1, --warm-up at least 0");
        }
        if (devices != null && !backends.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give backends or --devices, not both");
        }
    }

    /** The devices of {@code --devices}, opened; a wrong list is a usage error. */
    DeviceList openDevices(CommandSpec spec) {
        try {
            return DeviceList.open(devices);
        } catch (BackendUnavailableException e) {
            throw e;
        } catch (KilnException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The backends to measure: those named, else all. */
    List<String> backendNames() {
        return BenchBackends.orAll(backends);
    }
}
