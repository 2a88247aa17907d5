package dev.kiln.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.data.idx.IdxArray;
import dev.kiln.data.idx.IdxType;
import dev.kiln.data.idx.IdxWriter;
import dev.kiln.io.CheckpointStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit job on small MNIST-shaped IDX files whose classes the network can learn. */
class MnistJobTest {
    private static JavaSparkContext spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.start("kiln-spark-mnist-test");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void trainsCheckpointsAndEvaluatesOnTheTestImages() {
        Path data = dir.resolve("mnist");
        writeSplit(data, "train", 256, 1);
        writeSplit(data, "t10k", 64, 2);
        Path checkpoints = dir.resolve("checkpoints");
        PrintStream console = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = MnistJob.run(spark, "--data", data.toString(), "--checkpoints", checkpoints.toString(),
                    "--epochs", "4", "--batch-size", "32", "--tasks", "2", "--backend", "cpu");
        } finally {
            System.setOut(console);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        assertEquals(4, new CheckpointStore(checkpoints).latestComplete().orElseThrow().sequence());
        double accuracy = Double.parseDouble(printed.replaceAll("(?s).*test accuracy ([0-9.]+).*", "$1"));
        assertTrue(accuracy > 0.9, printed);
    }

    @Test
    void missingFilesFailNamingTheFileAndHowToGetIt() {
        PrintStream errors = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = MnistJob.run(spark, "--data", dir.toString(), "--checkpoints", dir.resolve("c").toString());
        } finally {
            System.setErr(errors);
        }
        assertNotEquals(0, code);
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("holds neither train-images-idx3-ubyte nor train-images-idx3-ubyte.gz"), printed);
    }

    /** Images of two classes, bright in the top or the bottom half, with labels 3 and 7. */
    private static void writeSplit(Path directory, String split, int count, long seed) {
        Random random = new Random(seed);
        double[] pixels = new double[count * 28 * 28];
        double[] labels = new double[count];
        for (int i = 0; i < count; i++) {
            boolean top = random.nextBoolean();
            labels[i] = top ? 3 : 7;
            for (int p = 0; p < 28 * 28; p++) {
                boolean bright = (p < 14 * 28) == top;
                pixels[i * 28 * 28 + p] = bright ? 128 + random.nextInt(128) : random.nextInt(64);
            }
        }
        directory.toFile().mkdirs();
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count, 28, 28}, pixels),
                directory.resolve(split + "-images-idx3-ubyte"));
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count}, labels),
                directory.resolve(split + "-labels-idx1-ubyte"));
    }
}
