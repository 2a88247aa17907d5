package dev.kiln.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The README's Java quick start, run as written; a second test keeps the README's copy identical to it. */
class QuickStartTest {
    private static final Path SOURCE = Path.of("src/test/java/dev/kiln/samples/QuickStartTest.java");
    private static final Path README = Path.of("../README.md");

    @Test
    void quickStartTrainsXor() {
        // quick start begin
        double[][] x = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
        double[][] y = {{0}, {1}, {1}, {0}};

        try (Sequential model = new Sequential(
                new Dense(8, ActivationFunction.TANH),
                new Dense(1, ActivationFunction.SIGMOID)).seed(1)) {
            Loss loss = Losses.binaryCrossEntropy(false);
            model.compile(loss, new Adam(0.05), Metrics.accuracyFor(loss));
            History history = model.fit(x, y, FitOptions.builder().epochs(300).batchSize(4).build());
            double accuracy = history.last().value("accuracy");
            double[][] predictions = model.predict(x);
            assertEquals(1.0, accuracy);
            for (int i = 0; i < x.length; i++) {
                assertEquals(y[i][0], predictions[i][0], 0.5, "prediction " + i);
            }
        }
        // quick start end
    }

    @Test
    void readmeShowsTheQuickStartAsTested() throws IOException {
        String tested = between(Files.readString(SOURCE), "// quick start begin\n", "        // quick start end");
        Matcher block = Pattern.compile("(?s)```java\n(.*?)```").matcher(Files.readString(README));
        assertTrue(block.find(), "README.md has a java block");
        assertEquals(stripped(tested), stripped(block.group(1)));
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start) + start.length();
        return text.substring(from, text.indexOf(end, from));
    }

    /** The code lines without indentation, leaving out the README's imports and the test's assertions. */
    private static List<String> stripped(String code) {
        List<String> lines = code.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
        int assertions = lines.indexOf("assertEquals(1.0, accuracy);");
        return IntStream.range(0, lines.size())
                .filter(i -> assertions < 0 || i < assertions || i >= assertions + 4)
                .mapToObj(lines::get)
                .filter(line -> !line.startsWith("import "))
                .toList();
    }
}
