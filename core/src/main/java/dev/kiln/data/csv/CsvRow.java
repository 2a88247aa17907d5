package dev.kiln.data.csv;

import java.util.List;

/**
 * One record of a CSV file.
 *
 * @param line the 1-based line on which the record starts
 * @param fields the field values, unquoted
 */
public record CsvRow(int line, List<String> fields) {
    public CsvRow {
        fields = List.copyOf(fields);
    }
}
