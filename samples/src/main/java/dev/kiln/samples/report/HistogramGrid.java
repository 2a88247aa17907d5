package dev.kiln.samples.report;

import dev.kiln.monitor.Histogram;
import dev.kiln.monitor.TrainingRecorder.EpochHistogram;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A weight's histograms over epochs on one grid of equal cells, so that they draw as lines over one value axis:
 * each epoch's counts are spread over the cells in proportion to how much of each bucket a cell covers, as shares
 * of the values.
 */
final class HistogramGrid {
    private HistogramGrid() {
    }

    /**
     * At most {@code maxEpochs} of {@code epochs} (the first, the last and evenly spaced ones between) on
     * {@code cells} cells: {"x": cell centres, "epochs": epoch numbers, "shares": one list per epoch}.
     */
    static Map<String, Object> of(List<EpochHistogram> epochs, int cells, int maxEpochs) {
        List<EpochHistogram> shown = spread(epochs, maxEpochs);
        double low = shown.stream().mapToDouble(e -> e.histogram().min()).min().orElseThrow();
        double high = shown.stream().mapToDouble(e -> e.histogram().max()).max().orElseThrow();
        if (!(high > low)) {
            // every value equal (a bias at its initial zero): a unit-wide range around it
            low -= 0.5;
            high += 0.5;
        }
        double width = (high - low) / cells;
        List<Double> x = new ArrayList<>();
        for (int c = 0; c < cells; c++) {
            x.add(low + (c + 0.5) * width);
        }
        List<List<Double>> shares = new ArrayList<>();
        for (EpochHistogram e : shown) {
            shares.add(shares(e.histogram(), low, width, cells));
        }
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("x", x);
        grid.put("epochs", shown.stream().map(EpochHistogram::epoch).toList());
        grid.put("shares", shares);
        return grid;
    }

    private static List<Double> shares(Histogram h, double low, double width, int cells) {
        double[] limits = h.bucketLimits();
        double[] counts = h.counts();
        double total = h.count();
        double[] share = new double[cells];
        for (int b = 0; b < counts.length; b++) {
            double left = b == 0 ? h.min() : limits[b - 1];
            double right = limits[b];
            if (counts[b] == 0) {
                continue;
            }
            double span = right - left;
            int first = cell(left, low, width, cells);
            int last = cell(right, low, width, cells);
            for (int c = first; c <= last; c++) {
                double overlap = Math.min(right, low + (c + 1) * width) - Math.max(left, low + c * width);
                // a bucket narrower than rounding puts all of its values in the cell it starts in
                double part = span > 0 ? Math.max(overlap, 0) / span : (c == first ? 1 : 0);
                share[c] += counts[b] * part / total;
            }
        }
        List<Double> list = new ArrayList<>(cells);
        for (double s : share) {
            list.add(s);
        }
        return list;
    }

    private static int cell(double value, double low, double width, int cells) {
        return Math.max(0, Math.min(cells - 1, (int) Math.floor((value - low) / width)));
    }

    private static List<EpochHistogram> spread(List<EpochHistogram> epochs, int maxEpochs) {
        if (epochs.size() <= maxEpochs) {
            return epochs;
        }
        List<EpochHistogram> chosen = new ArrayList<>();
        for (int i = 0; i < maxEpochs; i++) {
            chosen.add(epochs.get((int) Math.round(i * (epochs.size() - 1) / (double) (maxEpochs - 1))));
        }
        return chosen;
    }
}
