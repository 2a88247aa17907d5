package dev.kiln.samples.cli;

import dev.kiln.HeapExhaustedException;
import dev.kiln.KilnException;
import dev.kiln.backend.BackendUnavailableException;
import dev.kiln.io.ModelFileException;
import dev.kiln.samples.commandline.CommonOptions;
import dev.kiln.samples.commandline.ExitCodes;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;
import java.io.PrintWriter;

/**
 * Failures while a command runs: an unavailable backend or a Kiln error is one line, shortened (a kernel build
 * log can be pages long) unless {@code --verbose} asks for the whole message and the stack trace; anything
 * else is a bug and shows its stack trace.
 */
final class FailureHandler implements IExecutionExceptionHandler {
    private static final int SHORT_MESSAGE = 300;

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        boolean verbose = verbose(parsed);
        int exitCode;
        if (failure instanceof BackendUnavailableException) {
            err.println("kiln: " + message(failure, verbose));
            exitCode = ExitCodes.BACKEND_UNAVAILABLE;
        } else if (failure instanceof HeapExhaustedException heap) {
            err.println("kiln: error: " + OutOfMemoryHandler.message(heap));
            exitCode = ExitCodes.FAILURE;
        } else if (failure instanceof ModelFileException) {
            err.println("kiln: error: " + message(failure, verbose));
            exitCode = ExitCodes.DAMAGED_MODEL;
        } else if (failure instanceof KilnException) {
            err.println("kiln: error: " + message(failure, verbose));
            exitCode = ExitCodes.FAILURE;
        } else {
            err.println("kiln: internal error (please report it with this trace):");
            failure.printStackTrace(err);
            err.flush();
            return ExitCodes.FAILURE;
        }
        if (verbose) {
            failure.printStackTrace(err);
        }
        err.flush();
        return exitCode;
    }

    private static String message(Exception failure, boolean verbose) {
        String message = UsageErrorHandler.oneLine(failure.getMessage());
        return verbose || message.length() <= SHORT_MESSAGE
                ? message
                : message.substring(0, SHORT_MESSAGE) + "... (run with --verbose for the whole message)";
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption(CommonOptions.VERBOSE)) {
                return true;
            }
        }
        return false;
    }
}
