package dev.kiln.samples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.samples.SampleResult;
import dev.kiln.samples.TrainingSettings;
import dev.kiln.train.EpochResult;
import dev.kiln.train.Evaluation;
import dev.kiln.train.History;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSummaryTest {
    private static final TrainingSettings SETTINGS = new TrainingSettings(3, 16, 0.01, 5, null);

    private static EpochResult epoch(int number, double loss, double samplesPerSecond) {
        return new EpochResult(number, loss, Map.of("accuracy", number / 4.0), loss + 0.25,
                Map.of("accuracy", number / 8.0), 0.5 * number, samplesPerSecond, 0.01 / number);
    }

    private static RunSummary summary(History history, Evaluation test) {
        return new RunSummary("demo", "cpu", "host", SETTINGS, new SampleResult(history, 42, test, Map.of()));
    }

    @Test
    void fieldsHoldTheFinalTrainValidationAndTestValues() {
        History history = new History(List.of(epoch(1, 0.9, 100), epoch(2, 0.6, 300)), "early stopping");
        Map<String, Object> fields = summary(history, new Evaluation(0.75, Map.of("accuracy", 0.7), 50)).fields();

        assertEquals(2, fields.get("epochs"));
        assertEquals(2, fields.get("epochs_run"));
        assertEquals(0.6, fields.get("train_loss"));
        assertEquals(0.5, fields.get("train_accuracy"));
        assertEquals(0.85, fields.get("val_loss"));
        assertEquals(0.25, fields.get("val_accuracy"));
        assertEquals(0.75, fields.get("test_loss"));
        assertEquals(0.7, fields.get("test_accuracy"));
        assertEquals(List.of(0.5, 1.0), fields.get("seconds_per_epoch"));
        assertEquals("early stopping", fields.get("stop_reason"));
        assertFalse(fields.containsKey("predictions"), "no named examples, no predictions");
        // 2 epochs of N samples took N/100 + N/300 seconds of training
        assertEquals(150.0, (double) fields.get("samples_per_second"), 1e-9);
    }

    @Test
    void aResumedRunCountsTheEpochsBeforeItsCheckpointInTheTotalOnly() {
        History resumed = new History(List.of(epoch(1, 0.9, 100), epoch(2, 0.6, 300), epoch(3, 0.5, 300)), null, 1);
        Map<String, Object> fields = summary(resumed, null).fields();
        assertEquals(3, fields.get("epochs"));
        assertEquals(2, fields.get("epochs_run"));

        History withoutEarlierEpochs = new History(List.of(epoch(3, 0.5, 300)), null, 2);
        assertEquals(3, summary(withoutEarlierEpochs, null).fields().get("epochs"));
        assertEquals(1, summary(withoutEarlierEpochs, null).fields().get("epochs_run"));
    }

    @Test
    void historyHasOneRowPerEpochWithValidationColumns() {
        History history = new History(List.of(epoch(1, 0.9, 100), epoch(2, 0.6, 300), epoch(3, 0.5, 300)), null);
        List<String> lines = HistoryCsv.of(history).lines().toList();

        assertEquals("epoch,loss,accuracy,val_loss,val_accuracy,seconds,learning_rate", lines.get(0));
        assertEquals(4, lines.size());
        assertEquals("2,0.6,0.5,0.85,0.25,1.0,0.005", lines.get(2));
        assertTrue(lines.get(3).startsWith("3,0.5,"), lines.get(3));
    }
}
