package dev.kiln.samples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.samples.cli.KilnCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The data, bench and sample-option wiring of the kiln command: bad input is a usage error (exit 2). */
class DataCommandTest {

    @Test
    void unknownDataSetIsAUsageError() {
        Run run = run("data", "cifar");
        assertEquals(2, run.exitCode);
        assertTrue(run.err.contains("unknown data set 'cifar'; expected one of mnist, fashion-mnist"), run.err);
    }

    @Test
    void unknownBenchmarkBackendIsAUsageError() {
        Run run = run("bench", "mnist-mlp", "tpu");
        assertEquals(2, run.exitCode);
        assertTrue(run.err.contains("unknown backend 'tpu'; expected cpu or opencl"), run.err);
    }

    @Test
    void sampleOptionsAreCheckedBeforeTraining() {
        Run missing = run("train", "csv", "--file", "table.csv");
        assertEquals(2, missing.exitCode);
        assertTrue(missing.err.contains("Missing required option: '--label=COLUMN'"), missing.err);
        Run stray = run("train", "mnist-mlp", "--hidden", "10");
        assertEquals(2, stray.exitCode);
        assertTrue(stray.err.contains("unknown option '--hidden' (sample 'mnist-mlp' takes no options of its own)"),
                stray.err);
    }

    private static Run run(String... args) {
        CommandLine command = KilnCommand.commandLine();
        StringWriter err = new StringWriter();
        command.setErr(new PrintWriter(err));
        command.setOut(new PrintWriter(new StringWriter()));
        int code = command.execute(args);
        return new Run(code, err.toString());
    }

    private record Run(int exitCode, String err) {
    }
}
