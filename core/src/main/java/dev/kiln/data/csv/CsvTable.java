package dev.kiln.data.csv;

import dev.kiln.KilnException;
import java.util.List;

/**
 * A CSV file read into memory: its header row and its records, each as wide as the header.
 *
 * @param source where the table came from, for messages
 * @param header column names
 * @param rows the records after the header
 */
public record CsvTable(String source, List<String> header, List<CsvRow> rows) {
    public CsvTable {
        header = List.copyOf(header);
        rows = List.copyOf(rows);
    }

    /**
     * The index of the column named {@code column}, or, when no column has that name, {@code column} read as a
     * 0-based column index.
     */
    public int columnIndex(String column) {
        int named = header.indexOf(column);
        if (named >= 0) {
            return named;
        }
        try {
            int index = Integer.parseInt(column.trim());
            if (index >= 0 && index < header.size()) {
                return index;
            }
        } catch (NumberFormatException ignored) {
            // not an index either: reported below
        }
        throw new KilnException(source + ": no column '" + column + "', expected one of " + header
                + " or a column index from 0 to " + (header.size() - 1));
    }
}
