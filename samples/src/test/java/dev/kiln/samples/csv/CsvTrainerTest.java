package dev.kiln.samples.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.cpu.CpuBackend;
import dev.kiln.data.csv.CsvReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTrainerTest {
    @TempDir
    Path dir;

    @Test
    void separableClassesAreLearnedAndNamedInSortedOrder() throws IOException {
        SplittableRandom random = new SplittableRandom(1);
        StringBuilder csv = new StringBuilder("a,b,kind,c\n");
        String[] kinds = {"round", "flat", "tall"};
        double[][] centres = {{2, 0, 0}, {-2, 2, 1}, {0, -2, -1}};
        for (int i = 0; i < 300; i++) {
            int k = i % 3;
            csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%s,%.4f%n", centres[k][0] + random.nextGaussian() * 0.5,
                    centres[k][1] + random.nextGaussian() * 0.5, kinds[k],
                    centres[k][2] + random.nextGaussian() * 0.5));
        }
        Path file = dir.resolve("kinds.csv");
        Files.writeString(file, csv);

        CsvTrainer.Result result;
        try (Backend backend = new CpuBackend()) {
            CsvOptions options = new CsvOptions(file, "kind", CsvTask.CLASSIFY, List.of(16), 0.2, 0.2, 5,
                    CsvReader.COMMA);
            result = CsvTrainer.train(backend, options, CsvTrainer.prepare(options, 7), 40, 16, 1e-2, 7, List.of());
            assertEquals(0, backend.liveBuffers());
        }
        assertEquals(List.of("flat", "round", "tall"), result.table().classes());
        assertEquals(60, result.table().test().size());
        assertTrue(result.test().metric("accuracy") >= 0.95, "test accuracy " + result.test());
        assertNull(result.table().target());
    }

    @Test
    void linearTargetIsFittedAndScoredInTheFilesUnits() throws IOException {
        SplittableRandom random = new SplittableRandom(2);
        StringBuilder csv = new StringBuilder("x1,x2,price\n");
        for (int i = 0; i < 400; i++) {
            double x1 = random.nextDouble(0, 10);
            double x2 = random.nextDouble(-5, 5);
            csv.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4f%n", x1, x2,
                    1000 + 30 * x1 - 20 * x2 + random.nextGaussian()));
        }
        Path file = dir.resolve("prices.csv");
        Files.writeString(file, csv);

        CsvTrainer.Result result;
        try (Backend backend = new CpuBackend()) {
            CsvOptions options = new CsvOptions(file, "price", CsvTask.REGRESS, List.of(16), 0.2, 0.2, 5,
                    CsvReader.COMMA);
            result = CsvTrainer.train(backend, options, CsvTrainer.prepare(options, 3), 60, 16, 1e-2, 3, List.of());
        }
        assertNotNull(result.table().target());
        assertTrue(result.test().metric("r2") > 0.98, "test scores " + result.test());
        // the target spans hundreds of units; an MSE in scaled units would be below 1 either way
        assertTrue(result.test().metric("mse") < 100, "test scores " + result.test());
        assertEquals(1000 + 30 * 5.0, result.table().target().shift()[0], 40);
    }
}
