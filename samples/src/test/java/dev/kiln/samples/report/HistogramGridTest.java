package dev.kiln.samples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.monitor.Histogram;
import dev.kiln.monitor.TrainingRecorder.EpochHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistogramGridTest {

    @Test
    void spreadsEachBucketOverTheCellsItCoversAsSharesOfTheValues() {
        // epoch 1: 3 values in [0, 1], 1 in [1, 2]; epoch 2: 4 values in [1, 4]
        Histogram first = Histogram.ofCounts(0, 2, new double[] {1, 2}, new double[] {3, 1});
        Histogram second = Histogram.ofCounts(1, 4, new double[] {4}, new double[] {4});
        Map<String, Object> grid = HistogramGrid.of(List.of(new EpochHistogram(1, first),
                new EpochHistogram(2, second)), 4, 8);
        assertEquals(List.of(0.5, 1.5, 2.5, 3.5), grid.get("x"));
        assertEquals(List.of(1, 2), grid.get("epochs"));
        List<?> shares = (List<?>) grid.get("shares");
        assertEquals(List.of(0.75, 0.25, 0.0, 0.0), shares.get(0));
        assertEquals(List.of(0.0, 1 / 3.0, 1 / 3.0, 1 / 3.0), shares.get(1));
    }

    @Test
    void equalValuesGetAUnitRangeAndManyEpochsKeepTheFirstAndTheLast() {
        List<EpochHistogram> epochs = new ArrayList<>();
        for (int e = 1; e <= 20; e++) {
            // a bias still at zero: every value in one narrow bucket
            epochs.add(new EpochHistogram(e, Histogram.ofCounts(0, 0, new double[] {1e-12}, new double[] {5})));
        }
        Map<String, Object> grid = HistogramGrid.of(epochs, 2, 4);
        assertEquals(List.of(1, 7, 14, 20), grid.get("epochs"));
        assertEquals(List.of(-0.25, 0.25), grid.get("x"));
        for (Object share : (List<?>) grid.get("shares")) {
            assertEquals(List.of(0.0, 1.0), share);
        }
    }
}
