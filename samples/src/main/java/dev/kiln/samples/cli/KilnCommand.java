package dev.kiln.samples.cli;

import dev.kiln.samples.data.DataCommand;
import dev.kiln.samples.parity.ParityCommand;
import dev.kiln.samples.persist.EvaluateCommand;
import dev.kiln.samples.persist.PredictCommand;
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
        subcommands = {DevicesCommand.class, TrainCommand.class, DataCommand.class, BenchCommand.class,
                ParityCommand.class,
                TuneCommand.class,
                PredictCommand.class,
                EvaluateCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure, 2 usage error, 3 requested backend unavailable,"
                + " 4 damaged model directory, 5 training diverged (a loss became NaN or infinite)."})
public final class KilnCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    /** The command line with Kiln's handling of usage errors, failures and exhausted memory. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new KilnCommand());
        commandLine.setParameterExceptionHandler(new UsageErrorHandler());
        commandLine.setExecutionExceptionHandler(new FailureHandler());
        commandLine.setExecutionStrategy(new OutOfMemoryHandler());
        return commandLine;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
