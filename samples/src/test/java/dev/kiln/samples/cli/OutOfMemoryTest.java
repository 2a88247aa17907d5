package dev.kiln.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.samples.commandline.ExitCodes;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kiln command in a JVM with a small heap: running out of memory is one line saying what to give it. */
class OutOfMemoryTest {
    @TempDir
    Path dir;

    /**
     * The exit code and standard error of the kiln command run in a new JVM with {@code -Xmx} {@code heap}.
     *
     * @param exitCode the command's exit code
     * @param err what it wrote to standard error
     */
    private record Run(int exitCode, String err) {
        static Run of(Path dir, String heap, String... args) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-cp",
                    System.getProperty("java.class.path"), KilnCommand.class.getName()));
            command.addAll(List.of(args));
            Path err = dir.resolve("err.txt");
            Process process = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                    .redirectError(err.toFile()).start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return new Run(process.exitValue(), Files.readString(err));
        }
    }

    private static void assertOneLineSayingHowToGiveMore(Run run) {
        assertEquals(ExitCodes.FAILURE, run.exitCode(), run.err());
        List<String> errors = run.err().lines().filter(line -> line.startsWith("kiln: ")).toList();
        assertEquals(1, errors.size(), run.err());
        assertTrue(!run.err().contains("\tat "), "no stack trace: " + run.err());
        String line = errors.get(0);
        assertTrue(line.contains("out of memory"), line);
        assertTrue(line.matches(".*needs (more than the )?[0-9.]+ [KMG]iB.*"), "says how much was needed: " + line);
        assertTrue(line.contains("KILN_JAVA_OPTS=-Xmx"), "says how to give more: " + line);
    }

    @Test
    void aCsvLargerThanTheHeapIsOneLine() throws Exception {
        Path csv = dir.resolve("large.csv");
        try (BufferedWriter out = Files.newBufferedWriter(csv)) {
            out.write("a,b,c,d,e,f,g,h,label\n");
            Random random = new Random(3);
            for (int r = 0; r < 300_000; r++) {
                for (int c = 0; c < 8; c++) {
                    out.write(String.format(Locale.ROOT, "%.4f,", random.nextDouble()));
                }
                out.write(r % 2 == 0 ? "x\n" : "y\n");
            }
        }
        assertOneLineSayingHowToGiveMore(Run.of(dir, "16m", "train", "csv", "--file", csv.toString(), "--label",
                "label", "--backend", "cpu", "--epochs", "1", "--out", dir.resolve("run").toString()));
    }

    @Test
    void aModelLargerThanTheHeapIsOneLine() throws Exception {
        Path csv = Files.writeString(dir.resolve("small.csv"), "a,b,label\n0,1,x\n1,0,y\n0,0,x\n1,1,y\n0,1,x\n");
        assertOneLineSayingHowToGiveMore(Run.of(dir, "64m", "train", "csv", "--file", csv.toString(), "--label",
                "label", "--hidden", "20000,20000", "--test-fraction", "0.2", "--validation-fraction", "0.2",
                "--backend", "cpu", "--epochs", "1", "--out", dir.resolve("run").toString()));
    }
}
