package dev.kiln.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.ArrayDataset;
import dev.kiln.gan.GanEpoch;
import dev.kiln.gan.GanFitOptions;
import dev.kiln.gan.GanLoss;
import dev.kiln.gan.GanTrainer;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Input;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.model.Model;
import dev.kiln.optim.Adam;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GanTensorBoardTest {
    @TempDir
    Path logDir;

    @Test
    void eachPlayerGetsItsOwnRunWithTheEpochsMeasuresSummaryAndWeightHistograms() throws Exception {
        double[][] x = new double[16][];
        double[][] y = new double[16][];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {i / 8.0 - 1};
            y[i] = new double[] {0};
        }
        List<GanEpoch> epochs;
        TrainingRecorder recorder = new TrainingRecorder();
        try (Backend backend = Backends.select("cpu");
             Model generator = model(backend, "noise", 2, ActivationFunction.LINEAR);
             Model discriminator = model(backend, "x", 1, ActivationFunction.SIGMOID);
             Adam generatorOptimizer = new Adam(0.01);
             Adam discriminatorOptimizer = new Adam(0.02)) {
            GanTrainer trainer = GanTrainer.builder(generator, discriminator).generatorOptimizer(generatorOptimizer)
                    .discriminatorOptimizer(discriminatorOptimizer).loss(GanLoss.standard()).seed(3).build();
            epochs = trainer.fit(ArrayDataset.of(x, y), GanFitOptions.of(3, 8)
                    .withListener(new GanTensorBoard(logDir).histogramsEvery(2)).withListener(recorder));
        }
        Map<String, Map<Long, Float>> g = Scalars.of(logDir.resolve("generator"));
        Map<String, Map<Long, Float>> d = Scalars.of(logDir.resolve("discriminator"));
        for (GanEpoch e : epochs) {
            long step = e.epoch();
            assertEquals((float) e.generatorLoss(), g.get("epoch_loss").get(step));
            assertEquals((float) e.discriminatorLoss(), d.get("epoch_loss").get(step));
            assertEquals((float) e.realScore(), d.get("epoch_real_score").get(step));
            assertEquals((float) e.fakeScore(), d.get("epoch_fake_score").get(step));
            assertEquals((float) e.seconds(), g.get("epoch_seconds").get(step));
        }
        assertEquals(0.01f, g.get("epoch_learning_rate").get(1L));
        assertEquals(0.02f, d.get("epoch_learning_rate").get(1L));
        assertEquals(Set.of("epoch_loss", "epoch_learning_rate", "epoch_seconds"), g.keySet());

        for (String run : List.of("generator", "discriminator")) {
            List<EventDecoder.Event> events = EventDecoder.readDirectory(logDir.resolve(run));
            Set<String> histogramTags = new TreeSet<>();
            for (EventDecoder.Event e : events) {
                e.values().stream().filter(v -> v.histo() != null).forEach(v -> {
                    assertEquals(2, e.step(), "histograms every second epoch of three");
                    histogramTags.add(v.tag());
                });
            }
            assertEquals(Set.of("dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"), histogramTags);
            // the recorder holds the same histograms every epoch, under the model's name
            for (String tag : histogramTags) {
                List<TrainingRecorder.EpochHistogram> recorded = recorder.histograms().get(run + "/" + tag);
                assertEquals(List.of(1, 2, 3), recorded.stream().map(TrainingRecorder.EpochHistogram::epoch).toList());
                double[] written = events.stream().filter(e -> e.step() == 2).flatMap(e -> e.values().stream())
                        .filter(v -> tag.equals(v.tag())).findFirst().orElseThrow().histo().buckets();
                assertArrayEquals(written, recorded.get(1).histogram().counts(), tag);
            }
            assertTrue(recorder.summaries().get(run).contains("dense_2"), run);
            List<String> texts = events.stream().flatMap(e -> e.values().stream()).filter(v -> v.text() != null)
                    .map(EventDecoder.Value::tag).toList();
            assertEquals(List.of("model_summary"), texts, run);
            assertTrue(events.stream().flatMap(e -> e.values().stream()).filter(v -> v.text() != null)
                    .allMatch(v -> v.text().contains("dense_2")), run);
        }
    }

    private static Model model(Backend backend, String input, int width, ActivationFunction output) {
        SymbolicTensor in = Input.of(input, width);
        SymbolicTensor hidden = new Dense(4, ActivationFunction.RELU).call(in);
        return Model.on(backend, List.of(in), List.of(new Dense(1, output).call(hidden)));
    }
}
