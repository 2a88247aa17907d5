package dev.kiln.samples.cli;

import dev.kiln.KilnException;
import dev.kiln.backend.BackendUnavailableException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Failures while a command runs: an unavailable backend or a Kiln error is one line (with the stack trace
 * only under {@code --verbose}); anything else is a bug and shows its stack trace.
 */
final class FailureHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        int exitCode;
        if (failure instanceof BackendUnavailableException) {
            err.println("kiln: " + UsageErrorHandler.oneLine(failure.getMessage()));
            exitCode = ExitCodes.BACKEND_UNAVAILABLE;
        } else if (failure instanceof KilnException) {
            err.println("kiln: error: " + UsageErrorHandler.oneLine(failure.getMessage()));
            exitCode = ExitCodes.FAILURE;
        } else {
            err.println("kiln: internal error (please report it with this trace):");
            failure.printStackTrace(err);
            err.flush();
            return ExitCodes.FAILURE;
        }
        if (verbose(parsed)) {
            failure.printStackTrace(err);
        }
        err.flush();
        return exitCode;
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption(LoggingOptions.VERBOSE)) {
                return true;
            }
        }
        return false;
    }
}
