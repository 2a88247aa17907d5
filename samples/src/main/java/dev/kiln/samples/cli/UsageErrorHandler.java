package dev.kiln.samples.cli;

import dev.kiln.samples.commandline.ExitCodes;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;
import java.io.PrintWriter;

/** A user error: one line saying what was wrong, then the usage of the command it concerns. */
final class UsageErrorHandler implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("kiln: " + oneLine(error.getMessage()));
        command.usage(err, command.getColorScheme());
        err.flush();
        return ExitCodes.USAGE;
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
