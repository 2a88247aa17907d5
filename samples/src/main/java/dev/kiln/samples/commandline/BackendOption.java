package dev.kiln.samples.commandline;

import dev.kiln.KilnSettings;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.Backends;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --backend} option of the commands that compute: an unknown name is a usage error wherever it comes
 * from (the option or the {@code kiln.backend} setting), while a known backend that cannot run here is left to
 * selection, which explains why.
 */
public final class BackendOption {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--backend", paramLabel = "auto|cpu|opencl",
            description = "Backend to run on (default: the kiln.backend setting, else auto: the best available).")
    private String backend;

    /** Whether {@code --backend} was given. */
    public boolean given() {
        return backend != null;
    }

    /** The chosen backend's name, lower case: the option, else the {@code kiln.backend} setting. */
    public String choice() {
        String given = backend != null ? backend : KilnSettings.backend();
        String choice = given.trim().toLowerCase(Locale.ROOT);
        // the documented names stay valid when a provider is missing: selection then explains why (exit 3)
        Set<String> known = new LinkedHashSet<>(List.of(Backends.AUTO, "opencl", "cpu"));
        Backends.providers().stream().map(BackendProvider::name).forEach(known::add);
        if (!known.contains(choice)) {
            throw new ParameterException(spec.commandLine(), "unknown backend '" + given + "'"
                    + (backend != null ? "" : " (the kiln.backend setting, or KILN_BACKEND)")
                    + "; expected one of " + String.join(", ", known));
        }
        return choice;
    }
}
