package dev.kiln.samples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One in-process run of the kiln command with its output captured. */
public record CommandRun(int exitCode, String out, String err) {

    /** A run of {@code args} as the kiln command's main method runs them. */
    public static CommandRun of(String... args) {
        return on(KilnCommand.commandLineFor(args), args);
    }

    /** A run of {@code args} on {@code commandLine}. */
    public static CommandRun on(CommandLine commandLine, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new CommandRun(exitCode, out.toString(), err.toString());
    }

    public String firstErrorLine() {
        return err.lines().findFirst().orElse("");
    }
}
