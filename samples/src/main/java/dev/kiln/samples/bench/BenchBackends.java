package dev.kiln.samples.bench;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The backends a benchmark measures: those named on its command line, else all. */
public final class BenchBackends {
    static final List<String> ALL = List.of("cpu", "opencl");

    private BenchBackends() {
    }

    /** Fails as a usage error on a name that is not a backend. */
    public static void check(CommandSpec spec, List<String> names) {
        for (String name : names) {
            if (!ALL.contains(name)) {
                throw new ParameterException(spec.commandLine(), "unknown backend '" + name + "'; expected cpu or opencl");
            }
        }
    }

    /** {@code names}, or every backend when none is named. */
    static List<String> orAll(List<String> names) {
        return names.isEmpty() ? ALL : names;
    }

    /**
     * Backend {@code name}, its device printed on {@code out}; null, printed as unavailable with the reason, when it
     * cannot be opened here.
     */
    static Backend open(PrintStream out, String name) {
        try {
            Backend backend = Backends.select(name);
            out.println(name + ": " + backend.device().name() + " (" + backend.device().driverVersion() + ")");
            return backend;
        } catch (KilnException e) {
            out.println(name + ": unavailable (" + e.getMessage() + ")");
            return null;
        }
    }
}
