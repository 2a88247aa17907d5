package dev.kiln.samples.bench;

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

    /** Fails as a usage error on an unknown backend or a count out of range. */
    void check(CommandSpec spec) {
        BenchBackends.check(spec, backends);
        if (epochs < 1 || warmUp < 0) {
            throw new ParameterException(spec.commandLine(), "--epochs must be at least 1, --warm-up at least 0");
        }
    }

    /** The backends to measure: those named, else all. */
    List<String> backendNames() {
        return BenchBackends.orAll(backends);
    }
}
