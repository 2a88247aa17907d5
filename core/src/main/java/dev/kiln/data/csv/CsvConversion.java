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
        Comparator<String> order = allNumeric(table, label)
                ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder();
        Map<String, Integer> classIndex = new TreeMap<>(order);
        for (CsvRow row : table.rows()) {
            String value = row.fields().get(label).trim();
            if (value.isEmpty()) {
                throw missing(table, row, label);
            }
            classIndex.put(value, 0);
        }
        List<String> classes = new ArrayList<>(classIndex.keySet());
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }
        double[] targets = new double[table.rows().size()];
        for (int r = 0; r < targets.length; r++) {
            targets[r] = classIndex.get(table.rows().get(r).fields().get(label).trim());
        }
        return new LabelledData(featureNames(table, label), table.header().get(label), features(table, label),
                targets, classes);
    }

    /** Features and a numeric target taken from {@code labelColumn}. */
    public static LabelledData regression(CsvTable table, String labelColumn) {
        int label = table.columnIndex(labelColumn);
        double[] targets = new double[table.rows().size()];
        for (int r = 0; r < targets.length; r++) {
            targets[r] = number(table, table.rows().get(r), label);
        }
        return new LabelledData(featureNames(table, label), table.header().get(label), features(table, label),
                targets, List.of());
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
        double[] out = new double[table.rows().size() * width];
        int at = 0;
        for (CsvRow row : table.rows()) {
            for (int c = 0; c < table.header().size(); c++) {
                if (c != label) {
                    out[at++] = number(table, row, c);
                }
            }
        }
        return out;
    }

    private static boolean allNumeric(CsvTable table, int column) {
        for (CsvRow row : table.rows()) {
            String value = row.fields().get(column).trim();
            if (!value.isEmpty() && parse(value) == null) {
                return false;
            }
        }
        return true;
    }

    private static double number(CsvTable table, CsvRow row, int column) {
        String value = row.fields().get(column).trim();
        if (value.isEmpty()) {
            throw missing(table, row, column);
        }
        Double parsed = parse(value);
        if (parsed == null) {
            throw new KilnException(table.source() + ": line " + row.line() + ", column '"
                    + table.header().get(column) + "' (index " + column + "): '" + value
                    + "' is not a number, expected a finite number");
        }
        return parsed;
    }

    private static KilnException missing(CsvTable table, CsvRow row, int column) {
        return new KilnException(table.source() + ": line " + row.line() + ", column '"
                + table.header().get(column) + "' (index " + column + "): missing value, expected a number");
    }

    private static Double parse(String value) {
        try {
            double d = Double.parseDouble(value);
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
