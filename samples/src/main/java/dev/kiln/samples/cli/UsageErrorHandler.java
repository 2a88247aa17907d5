package dev.kiln.samples.cli;

import dev.kiln.samples.commandline.ExitCodes;
import dev.kiln.samples.commandline.UnknownOption;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A user error: one line saying what was wrong, then the usage of the command it concerns. A misspelt option comes
 * first, named with the closest known one, as it is often the cause of the other errors ("missing --model").
 */
final class UsageErrorHandler implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("kiln: " + oneLine(message(error, command, args)));
        command.usage(err, command.getColorScheme());
        err.flush();
        return ExitCodes.USAGE;
    }

    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String message(ParameterException error, CommandLine command, String[] args) {
        // a command that collects unknown arguments (train, for its sample) reports them itself
        if (!command.getCommandSpec().unmatchedArgsBindings().isEmpty()) {
            return error.getMessage();
        }
        Set<String> known = new HashSet<>();
        for (CommandLine level = command; level != null; level = level.getParent()) {
            CommandSpec spec = level.getCommandSpec();
            known.addAll(spec.optionsMap().keySet());
            known.addAll(spec.negatedOptionsMap().keySet());
        }
        return UnknownOption.find(List.of(args), known).map(option -> UnknownOption.message(option, known))
                .orElse(error.getMessage());
    }
}
