package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The command line main builds holds only the subcommand it runs, and behaves as the whole command line does. */
class KilnCommandTest {
    private static final List<String> ALL = List.of("devices", "train", "data", "bench", "parity", "tune", "predict",
            "evaluate", "help");

    @Test
    void aSubcommandIsBuiltWithoutItsSiblings() {
        assertEquals(Set.of("train"), KilnCommand.commandLineFor("train", "xor").getSubcommands().keySet());
        assertEquals(Set.of("bench"), KilnCommand.commandLineFor("bench", "gemm").getSubcommands().keySet());
    }

    @Test
    void helpVersionAndUnknownCommandsSeeEverySubcommandInOrder() {
        assertEquals(ALL, List.copyOf(KilnCommand.commandLine().getSubcommands().keySet()));
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"help", "train"},
                new String[] {"-V"}, new String[] {"trian"}, new String[] {"--verbose", "train"})) {
            assertEquals(ALL, List.copyOf(KilnCommand.commandLineFor(args).getSubcommands().keySet()),
                    String.join(" ", args));
        }
    }

    @Test
    void eachSubcommandAnswersAsInTheWholeCommandLine() {
        for (String name : ALL.subList(0, ALL.size() - 1)) {
            for (String[] args : List.of(new String[] {name, "--help"}, new String[] {name, "--no-such-option"},
                    new String[] {name, "xor", "--help"})) {
                CommandRun alone = CommandRun.of(args);
                CommandRun whole = CommandRun.on(KilnCommand.commandLine(), args);
                assertEquals(whole, alone, String.join(" ", args));
            }
        }
    }
}
