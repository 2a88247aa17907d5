package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.samples.commandline.ExitCodes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A sample's own options in the help of {@code kiln train SAMPLE}, and misspelt options named with a suggestion. */
class SampleOptionsTest {

    private static void assertListsOptions(String sample, List<String> options) {
        CommandRun help = CommandRun.of("train", sample, "--help");
        assertEquals(ExitCodes.SUCCESS, help.exitCode(), help.err());
        assertTrue(help.out().contains("Options of the " + sample + " sample"), help.out());
        for (String option : options) {
            assertTrue(help.out().contains(option), option + " missing from:\n" + help.out());
        }
    }

    private static void assertSuggests(CommandRun run, String typed, String suggested) {
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.firstErrorLine().contains("unknown option '" + typed + "'"), run.firstErrorLine());
        assertTrue(run.firstErrorLine().contains("did you mean " + suggested + "?"), run.firstErrorLine());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void theHelpOfASampleListsItsOwnOptions() {
        assertListsOptions("csv", List.of("--file", "--label", "--task", "--hidden", "--test-fraction",
                "--validation-fraction", "--patience"));
        assertListsOptions("gan-1d", List.of("--loss"));
        assertListsOptions("cgan", List.of("--classifier", "--digit"));
        assertListsOptions("dcgan", List.of("--classifier"));
    }

    @Test
    void theHelpOfASampleWithoutOptionsSaysSoAndTheGeneralHelpNamesThoseWithOptions() {
        CommandRun xor = CommandRun.of("train", "xor", "--help");
        assertEquals(ExitCodes.SUCCESS, xor.exitCode(), xor.err());
        assertTrue(xor.out().contains("The xor sample takes no options of its own"), xor.out());

        CommandRun general = CommandRun.of("train", "--help");
        assertEquals(ExitCodes.SUCCESS, general.exitCode(), general.err());
        assertTrue(general.out().contains("gan, dcgan, cgan, gan-1d, csv"), general.out());
    }

    @Test
    void aMisspeltSampleOptionIsNamedWithTheClosestKnownOne() {
        assertSuggests(CommandRun.of("train", "csv", "--file", "t.csv", "--labl", "y"), "--labl", "--label");
        assertSuggests(CommandRun.of("train", "csv", "--file", "t.csv", "--label", "y", "--test-fracton", "0.1"),
                "--test-fracton", "--test-fraction");
        assertSuggests(CommandRun.of("train", "cgan", "--digt", "3"), "--digt", "--digit");
        CommandRun usage = CommandRun.of("train", "csv", "--file", "t.csv", "--labl", "y");
        assertTrue(usage.err().contains("Options of the csv sample"), "the usage lists the sample's options: "
                + usage.err());
    }

    @Test
    void aMisspeltTrainOptionAfterASampleIsNamedWithTheClosestKnownOne() {
        assertSuggests(CommandRun.of("train", "xor", "--epoch", "3"), "--epoch", "--epochs");
        assertSuggests(CommandRun.of("train", "csv", "--file", "t.csv", "--label", "y", "--bakend", "cpu"),
                "--bakend", "--backend");
    }

    @Test
    void aMisspeltOptionOfAnyCommandIsNamedWithTheClosestKnownOne() {
        assertSuggests(CommandRun.of("predict", "--modle", "m", "--input", "i.csv"), "--modle", "--model");
        assertSuggests(CommandRun.of("evaluate", "--model", "m", "--data", "d.csv", "--metric", "mae"), "--metric",
                "--metrics");
        assertSuggests(CommandRun.of("parity", "--quik"), "--quik", "--quick");
    }

    @Test
    void anOptionFarFromEveryKnownOneIsNamedWithoutASuggestion() {
        CommandRun run = CommandRun.of("train", "xor", "--frobnicate");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.firstErrorLine().contains("unknown option '--frobnicate'"), run.firstErrorLine());
        assertFalse(run.firstErrorLine().contains("did you mean"), run.firstErrorLine());
    }
}
