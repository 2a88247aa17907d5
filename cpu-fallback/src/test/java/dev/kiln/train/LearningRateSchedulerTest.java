package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LearningRateSchedulerTest {
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void eachEpochRunsAtTheScheduledRate() {
        double[][] x = {{1}, {2}, {3}};
        double[][] y = {{2}, {4}, {6}};
        List<Double> seenBySteps = new ArrayList<>();
        Callback spy = new Callback() {
            @Override
            public void onBatchBegin(int epoch, int step, TrainingContext context) {
                seenBySteps.add(context.optimizer().learningRate());
            }
        };
        Sgd sgd = new Sgd(0.08);
        try (Sequential model = Sequential.on(backend, new Dense(1))) {
            model.compile(Losses.mse(), sgd);
            History history = model.fit(x, y, FitOptions.builder().epochs(4).batchSize(3).log(false)
                    .callbacks(new LearningRateScheduler((epoch, initial) -> initial / (1 << epoch)), spy).build());
            double[] expected = {0.08, 0.04, 0.02, 0.01};
            assertArrayEquals(expected, history.epochs().stream().mapToDouble(EpochResult::learningRate).toArray(), 1e-15);
            assertEquals(List.of(0.08, 0.04, 0.02, 0.01), seenBySteps);
            assertEquals(0.08, sgd.learningRate(), "the initial rate is restored when training ends");
        }
    }
}
