package dev.kiln.monitor;

import static dev.kiln.testing.Fixtures.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Sgd;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardTest {
    @TempDir
    Path logDir;
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
    void fitWritesTrainingAndValidationScalarsMatchingTheHistory() throws Exception {
        double[][] x = new double[10][];
        double[][] y = new double[10][];
        for (int i = 0; i < 10; i++) {
            x[i] = new double[] {(i - 4.5) / 5};
            y[i] = new double[] {2 * x[i][0] + 0.5};
        }
        History history;
        String summary;
        TrainingRecorder recorder = new TrainingRecorder();
        try (Sequential model = Sequential.on(backend, new Dense(1).kernelInitializer(values(0)))) {
            model.compile(Losses.mse(), new Sgd(0.1), Metrics.mae());
            TensorBoard board = new TensorBoard(logDir).batchLossEvery(2).histogramsEvery(2);
            history = model.fit(x, y, FitOptions.builder().epochs(4).batchSize(2).shuffle(false)
                    .validationData(x, y).callbacks(board, recorder).log(false).build());
            summary = model.summary();
        }
        Map<String, Map<Long, Float>> train = Scalars.of(logDir.resolve("train"));
        Map<String, Map<Long, Float>> validation = Scalars.of(logDir.resolve("validation"));
        String metric = history.last().metrics().keySet().iterator().next();
        for (int e = 0; e < 4; e++) {
            long step = e + 1;
            var epoch = history.epochs().get(e);
            assertEquals((float) epoch.loss(), train.get("epoch_loss").get(step));
            assertEquals((float) (double) epoch.metrics().get(metric), train.get("epoch_" + metric).get(step));
            assertEquals((float) epoch.learningRate(), train.get("epoch_learning_rate").get(step));
            assertEquals((float) epoch.seconds(), train.get("epoch_seconds").get(step));
            assertEquals((float) epoch.validationLoss(), validation.get("epoch_loss").get(step));
            assertEquals((float) (double) epoch.validationMetrics().get(metric),
                    validation.get("epoch_" + metric).get(step));
        }
        assertEquals(4, train.get("epoch_loss").size());
        assertEquals(4, validation.get("epoch_loss").size());
        // 5 steps per epoch, every second one: steps 2 and 4 of each epoch, counted across epochs
        assertEquals(List.of(2L, 4L, 7L, 9L, 12L, 14L, 17L, 19L), new ArrayList<>(train.get("batch_loss").keySet()));

        List<EventDecoder.Event> events = EventDecoder.readDirectory(logDir.resolve("train"));
        List<Long> histogramSteps = events.stream()
                .filter(ev -> ev.values().stream().anyMatch(v -> v.histo() != null))
                .map(EventDecoder.Event::step).distinct().toList();
        assertEquals(List.of(2L, 4L), histogramSteps);
        // a 1x1 kernel and one bias: one value each, and one value in each of their gradients
        List<String> tags = events.stream().filter(ev -> ev.step() == 2)
                .flatMap(ev -> ev.values().stream()).filter(v -> v.histo() != null)
                .peek(v -> assertEquals(1, v.histo().num()))
                .map(EventDecoder.Value::tag).sorted().toList();
        assertEquals(List.of("dense_1/bias", "dense_1/bias_gradient", "dense_1/kernel", "dense_1/kernel_gradient"),
                tags);
        // the recorder takes the same histograms every epoch
        assertEquals(Map.of("model", summary), recorder.summaries());
        assertEquals(Set.copyOf(tags), recorder.histograms().keySet());
        recorder.histograms().values().forEach(epochs -> assertEquals(List.of(1, 2, 3, 4),
                epochs.stream().map(TrainingRecorder.EpochHistogram::epoch).toList()));
        for (EventDecoder.Event e : events) {
            for (EventDecoder.Value v : e.values()) {
                if (v.histo() != null) {
                    var recorded = recorder.histograms().get(v.tag()).get((int) e.step() - 1);
                    assertEquals(e.step(), recorded.epoch());
                    assertArrayEquals(recorded.histogram().counts(), v.histo().buckets(), v.tag());
                }
            }
        }

        List<EventDecoder.Value> texts = events.stream().flatMap(ev -> ev.values().stream())
                .filter(v -> v.text() != null).toList();
        assertEquals(1, texts.size());
        assertEquals("model_summary", texts.get(0).tag());
        assertEquals("text", texts.get(0).pluginName());
        assertTrue(texts.get(0).text().contains("    " + summary.lines().findFirst().orElseThrow()),
                texts.get(0).text());
    }

    @Test
    void gradientHistogramsHoldTheLastStepsGradientBeforeTheUpdate() throws Exception {
        // one sample per step, w = b = 0 kept by a zero learning rate: the last step's MSE gradient is -2xy and -2y
        double[][] x = {{1}, {2}};
        double[][] y = {{3}, {5}};
        try (Sequential model = Sequential.on(backend,
                new Dense(1).kernelInitializer(values(0)).biasInitializer(values(0)))) {
            model.compile(Losses.mse(), new Sgd(0));
            model.fit(x, y, FitOptions.builder().epochs(1).batchSize(1).shuffle(false)
                    .callbacks(new TensorBoard(logDir).histogramsEvery(1)).log(false).build());
        }
        Map<String, EventDecoder.Histo> byTag = new TreeMap<>();
        for (EventDecoder.Event e : EventDecoder.readDirectory(logDir.resolve("train"))) {
            e.values().stream().filter(v -> v.histo() != null).forEach(v -> byTag.put(v.tag(), v.histo()));
        }
        assertEquals(-20, byTag.get("dense_1/kernel_gradient").sum(), 1e-9);
        assertEquals(-10, byTag.get("dense_1/bias_gradient").sum(), 1e-9);
        assertEquals(0, byTag.get("dense_1/kernel").sum());
    }
}
