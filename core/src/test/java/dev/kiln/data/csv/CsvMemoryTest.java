package dev.kiln.data.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a CSV takes a small multiple of its size: cells go into primitive arrays, not one string each. */
class CsvMemoryTest {
    private static final int ROWS = 100_000;
    private static final int FEATURES = 21;
    private static final int HEAP_PER_FILE_BYTE = 3;

    @TempDir
    Path dir;

    /** Reads the CSV {@code args[0]} and converts it for classification on its last column. */
    public static void main(String[] args) {
        LabelledData data = CsvConversion.classification(CsvReader.read(Path.of(args[0])), "label");
        System.out.println(data.rows() + " rows");
    }

    @Test
    void aCsvIsReadWithAHeapOfThreeTimesItsSize() throws Exception {
        Path file = dir.resolve("wide.csv");
        write(file);
        long heap = HEAP_PER_FILE_BYTE * Files.size(file);
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                CsvMemoryTest.class.getName(), file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!child.waitFor(120, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
        assertEquals(0, child.exitValue(), "reading " + Files.size(file) + " bytes with -Xmx" + heap + ":\n"
                + Files.readString(log));
        assertEquals(ROWS + " rows", Files.readString(log).strip());
    }

    private static void write(Path file) throws IOException {
        Random random = new Random(1);
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            for (int c = 0; c < FEATURES; c++) {
                out.write("f" + c + ",");
            }
            out.write("label\n");
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < FEATURES; c++) {
                    out.write(String.format(Locale.ROOT, "%.5f,", random.nextGaussian()));
                }
                out.write(random.nextBoolean() ? "1\n" : "0\n");
            }
        }
    }
}
