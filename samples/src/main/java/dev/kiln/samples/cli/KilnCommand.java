package dev.kiln.samples.cli;

import dev.kiln.samples.data.DataCommand;
import dev.kiln.samples.parity.ParityCommand;
import dev.kiln.samples.persist.EvaluateCommand;
import dev.kiln.samples.persist.PredictCommand;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code kiln} command line: trains the samples and inspects the devices Kiln can use. */
@Command(name = "kiln",
        mixinStandardHelpOptions = true,
        versionProvider = KilnVersion.class,
        description = "Trains neural networks on OpenCL devices, or on the CPU when none is usable.",
        footer = {"", "Exit codes: 0 success, 1 failure, 2 usage error, 3 requested backend unavailable,"
                + " 4 damaged model directory, 5 training diverged (a loss became NaN or infinite)."})
public final class KilnCommand implements Runnable {
    /** The subcommands, in the order of the help. */
    private static final List<Class<?>> SUBCOMMANDS = List.of(DevicesCommand.class, TrainCommand.class,
            DataCommand.class, BenchCommand.class, ParityCommand.class, TuneCommand.class, PredictCommand.class,
            EvaluateCommand.class, CommandLine.HelpCommand.class);

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    /** The command line with every subcommand, and Kiln's handling of usage errors, failures and exhausted memory. */
    public static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS);
    }

    /**
     * The command line that runs {@code args}: with the one subcommand they start with, if any, since building the
     * model of every subcommand costs startup time; otherwise with all of them (help, usage errors).
     */
    public static CommandLine commandLineFor(String... args) {
        for (Class<?> command : SUBCOMMANDS) {
            if (args.length > 0 && command != CommandLine.HelpCommand.class && names(command).contains(args[0])) {
                return commandLine(List.of(command));
            }
        }
        return commandLine(SUBCOMMANDS);
    }

    private static List<String> names(Class<?> command) {
        Command annotation = command.getAnnotation(Command.class);
        List<String> names = new ArrayList<>(List.of(annotation.aliases()));
        names.add(annotation.name());
        return names;
    }

    private static CommandLine commandLine(List<Class<?>> subcommands) {
        CommandLine commandLine = new CommandLine(new KilnCommand());
        // each its own command line, so that picocli applies its model transformer (train's sample options)
        subcommands.forEach(command -> commandLine.addSubcommand(new CommandLine(command)));
        // set after the subcommands are added: picocli passes handlers on to the subcommands it holds at the time
        commandLine.setParameterExceptionHandler(new UsageErrorHandler());
        commandLine.setExecutionExceptionHandler(new FailureHandler());
        commandLine.setExecutionStrategy(new OutOfMemoryHandler());
        return commandLine;
    }

    public static void main(String[] args) {
        PlatformWarmUp warmUp = PlatformWarmUp.startFor(args);
        int code = commandLineFor(args).execute(args);
        warmUp.awaitEnd();
        System.exit(code);
    }
}
