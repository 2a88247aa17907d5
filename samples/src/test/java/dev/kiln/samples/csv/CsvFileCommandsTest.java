package dev.kiln.samples.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.samples.cli.CommandRun;
import dev.kiln.samples.commandline.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code kiln train csv}, {@code predict} and {@code evaluate} say about CSV files they cannot read as asked. */
class CsvFileCommandsTest {
    @TempDir
    Path dir;

    /** Rows of two features and a label (the sign of their difference), separated by {@code delimiter}. */
    private static String table(String header, char delimiter) {
        StringBuilder text = new StringBuilder(header).append('\n');
        for (int i = 0; i < 40; i++) {
            double a = (i * 7 % 11) / 10.0;
            double b = (i * 5 % 13) / 10.0;
            text.append(a).append(delimiter).append(b).append(delimiter).append(a > b ? 1 : 0).append('\n');
        }
        return text.toString();
    }

    private CommandRun train(Path file, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "csv", "--file", file.toString(), "--label",
                "y", "--epochs", "2", "--backend", "cpu", "--out", dir.resolve("run").toString()));
        args.addAll(List.of(more));
        return CommandRun.of(args.toArray(String[]::new));
    }

    @Test
    void aLabelNameUsedTwiceIsAnErrorNamingBothColumns() throws IOException {
        StringBuilder text = new StringBuilder("a,y,b,y\n");
        for (int i = 0; i < 40; i++) {
            text.append(i % 3).append(',').append(i % 2).append(',').append(i % 5).append(',').append(i % 2)
                    .append('\n');
        }
        CommandRun run = train(Files.writeString(dir.resolve("dup.csv"), text));
        assertEquals(ExitCodes.FAILURE, run.exitCode(), run.err());
        assertTrue(run.firstErrorLine().contains("column 'y' twice, at index 1 and at index 3"),
                run.firstErrorLine());
        assertTrue(Files.notExists(dir.resolve("run/summary.json")), "nothing was trained");
    }

    @Test
    void aByteOrderMarkDoesNotHideTheFirstColumn() throws IOException {
        Path file = dir.resolve("bom.csv");
        Files.writeString(file, "\uFEFF" + table("y,a,b", ','), StandardCharsets.UTF_8);
        assertEquals((byte) 0xEF, Files.readAllBytes(file)[0], "the file starts with the UTF-8 byte-order mark");
        CommandRun run = train(file);
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
    }

    @Test
    void aFileThatIsNotUtf8NamesTheByteOffset() throws IOException {
        Path file = dir.resolve("latin1.csv");
        Files.write(file, ("a,b,y\n1,2,0\n3,\u00e94,1\n").getBytes(StandardCharsets.ISO_8859_1));
        CommandRun run = train(file);
        assertEquals(ExitCodes.FAILURE, run.exitCode(), run.err());
        assertTrue(run.firstErrorLine().contains("not UTF-8") && run.firstErrorLine().contains("offset 14"),
                run.firstErrorLine());
    }

    @Test
    void aHeaderOfOneColumnHoldingSemicolonsSuggestsTheDelimiter() throws IOException {
        Path file = Files.writeString(dir.resolve("semi.csv"), table("a;b;y", ';'));
        CommandRun run = train(file);
        assertEquals(ExitCodes.FAILURE, run.exitCode(), run.err());
        assertTrue(run.firstErrorLine().contains("--delimiter ';'"), run.firstErrorLine());

        CommandRun delimited = train(file, "--delimiter", ";");
        assertEquals(ExitCodes.SUCCESS, delimited.exitCode(), delimited.err());
    }

    @Test
    void predictSuggestsTheDelimiterOfATabSeparatedFileAndNeedsAHeaderRow() throws IOException {
        Path model = dir.resolve("model");
        CommandRun trained = train(Files.writeString(dir.resolve("t.csv"), table("a,b,y", ',')), "--save-model",
                model.toString());
        assertEquals(ExitCodes.SUCCESS, trained.exitCode(), trained.err());

        Path tabs = Files.writeString(dir.resolve("tabs.csv"), "a\tb\n0.1\t0.2\n0.5\t0.3\n");
        CommandRun tabbed = CommandRun.of("predict", "--model", model.toString(), "--input", tabs.toString(),
                "--backend", "cpu");
        assertEquals(ExitCodes.FAILURE, tabbed.exitCode(), tabbed.err());
        assertTrue(tabbed.firstErrorLine().contains("--delimiter tab"), tabbed.firstErrorLine());
        CommandRun delimited = CommandRun.of("predict", "--model", model.toString(), "--input", tabs.toString(),
                "--backend", "cpu", "--delimiter", "tab");
        assertEquals(ExitCodes.SUCCESS, delimited.exitCode(), delimited.err());
        assertEquals(3, delimited.out().lines().count(), "a header and one prediction per row");

        Path headless = Files.writeString(dir.resolve("headless.csv"), "0.1,0.2\n0.5,0.3\n0.9,0.1\n");
        CommandRun run = CommandRun.of("predict", "--model", model.toString(), "--input", headless.toString(),
                "--backend", "cpu");
        assertEquals(ExitCodes.FAILURE, run.exitCode(), run.err());
        assertTrue(run.firstErrorLine().contains("a header row with the column names is required"),
                run.firstErrorLine());
        assertEquals("", run.out(), "no predictions are written");
    }
}
