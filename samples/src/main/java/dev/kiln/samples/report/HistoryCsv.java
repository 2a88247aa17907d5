package dev.kiln.samples.report;

import dev.kiln.train.EpochResult;
import dev.kiln.train.History;
import java.util.LinkedHashSet;
import java.util.Set;

/** {@code history.csv}: a header row, then one row per epoch (epoch, loss, metrics, validation, seconds, rate). */
public final class HistoryCsv {
    private HistoryCsv() {
    }

    public static String of(History history) {
        Set<String> columns = new LinkedHashSet<>();
        history.epochs().forEach(epoch -> columns.addAll(epoch.values().keySet()));
        StringBuilder csv = new StringBuilder("epoch");
        columns.forEach(column -> csv.append(',').append(column));
        csv.append(",seconds,learning_rate\n");
        for (EpochResult epoch : history.epochs()) {
            csv.append(epoch.epoch());
            for (String column : columns) {
                Double value = epoch.values().get(column);
                csv.append(',').append(value == null ? "" : value.toString());
            }
            csv.append(',').append(epoch.seconds()).append(',').append(epoch.learningRate()).append('\n');
        }
        return csv.toString();
    }
}
