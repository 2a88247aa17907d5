package dev.kiln.samples.training;

import dev.kiln.KilnException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One more panel of the training chart: named series of values drawn against their index (a stretch of a time
 * series and its forecast).
 *
 * @param title the panel's title
 * @param xAxis what the index counts ("time step")
 * @param series the values of each series, in drawing order, all of one length
 */
public record SeriesPlot(String title, String xAxis, Map<String, double[]> series) {
    public SeriesPlot {
        if (series.isEmpty() || series.values().stream().mapToInt(v -> v.length).distinct().count() != 1) {
            throw new KilnException("plot '" + title + "' needs at least one series, all of one length");
        }
        series = Collections.unmodifiableMap(new LinkedHashMap<>(series));
    }
}
