package dev.kiln.samples.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.cpu.CpuBackend;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Sgd;
import dev.kiln.train.FitOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void drawsEachEpochInPlaceAndClearsItAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        double[][] x = new double[40][2];
        double[][] y = new double[40][1];
        for (int i = 0; i < 40; i++) {
            x[i][0] = i / 40.0;
            y[i][0] = 2 * x[i][0];
        }
        try (Backend backend = new CpuBackend();
             Sequential model = Sequential.on(backend, new Dense(1, ActivationFunction.LINEAR))) {
            model.compile(Losses.mse(), new Sgd(0.1));
            model.fit(x, y, FitOptions.builder().epochs(2).batchSize(8).log(false)
                    .callbacks(new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), 40)).build());
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("\repoch 1/2 ["), text);
        assertTrue(text.contains("\repoch 2/2 ["), text);
        assertTrue(text.contains("/40  ETA ") && text.contains(" samples/s"), text);
        assertTrue(text.endsWith("\r") && !text.contains("\n"), "the bar is redrawn in place and cleared: " + text);
    }
}
