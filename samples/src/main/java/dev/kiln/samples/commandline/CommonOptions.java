package dev.kiln.samples.commandline;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** Options every subcommand takes: {@code --help}, and {@code --verbose} with the console log level it sets. */
public final class CommonOptions {
    public static final String VERBOSE = "--verbose";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Option(names = VERBOSE, description = "Log details (DEBUG level): device, transfers, timings.")
    private boolean verbose;

    public boolean verbose() {
        return verbose;
    }

    /** Sets the console level for this command: DEBUG when verbose, WARN when stdout carries data, else INFO. */
    public void apply(boolean stdoutIsData) {
        Level level = verbose ? Level.DEBUG : stdoutIsData ? Level.WARN : Level.INFO;
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
    }
}
