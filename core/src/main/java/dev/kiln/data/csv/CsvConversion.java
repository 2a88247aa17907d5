package dev.kiln.data.csv;

import dev.kiln.KilnException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a {@link CsvTable} into {@link LabelledData}: every column but the label must hold a finite number in
 * every row; a bad value is reported with its line and column.
 */
public final class CsvConversion {
    private CsvConversion() {
    }

    /**
     * Features and class labels: the distinct values of {@code labelColumn} become classes, sorted numerically
     * when all are numbers and alphabetically otherwise, so the mapping does not depend on row order.
     */
    public static LabelledData classification(CsvTable table, String labelColumn) {
        int label = table.columnIndex(labelColumn);
        Comparator<String> order = table.isNumeric(label)
                ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder();
        Map<String, Integer> classIndex = new TreeMap<>(order);
        for (int r = 0; r < table.rowCount(); r++) {
            String value = table.text(r, label);
            if (value.isEmpty()) {
                throw new KilnException(table.where(r, label) + "missing value, expected a class");
            }
            classIndex.put(value, 0);
        }
        List<String> classes = new ArrayList<>(classIndex.keySet());
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }
        double[] targets = new double[table.rowCount()];
        for (int r = 0; r < targets.length; r++) {
            targets[r] = classIndex.get(table.text(r, label));
        }
        return new LabelledData(table.source(), featureNames(table, label), table.header().get(label),
                features(table, label), targets, classes);
    }

    /** Features and a numeric target taken from {@code labelColumn}. */
    public static LabelledData regression(CsvTable table, String labelColumn) {
        int label = table.columnIndex(labelColumn);
        double[] targets = new double[table.rowCount()];
        for (int r = 0; r < targets.length; r++) {
            targets[r] = table.number(r, label);
        }
        return new LabelledData(table.source(), featureNames(table, label), table.header().get(label),
                features(table, label), targets, List.of());
    }

    private static List<String> featureNames(CsvTable table, int label) {
        List<String> names = new ArrayList<>(table.header());
        names.remove(label);
        if (names.isEmpty()) {
            throw new KilnException(table.source() + ": only the label column '" + table.header().get(label)
                    + "', expected at least one feature column");
        }
        return names;
    }

    private static double[] features(CsvTable table, int label) {
        int width = table.header().size() - 1;
        double[] out = new double[table.rowCount() * width];
        int at = 0;
        for (int r = 0; r < table.rowCount(); r++) {
            for (int c = 0; c < table.header().size(); c++) {
                if (c != label) {
                    out[at++] = table.number(r, c);
                }
            }
        }
        return out;
    }
}
