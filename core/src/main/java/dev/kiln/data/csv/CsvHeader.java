package dev.kiln.data.csv;

import dev.kiln.KilnException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The column names of a header row, trimmed; each name must appear once, and a row of numbers is no header. */
final class CsvHeader {
    private CsvHeader() {
    }

    /** The names of {@code header}, the first record of {@code source}, whose fields are split at {@code delimiter}. */
    static List<String> names(CsvRow header, String source, char delimiter) {
        List<String> names = header.fields().stream().map(String::trim).toList();
        if (names.stream().allMatch(CsvHeader::isNumber)) {
            throw new KilnException(source + ": a header row with the column names is required, but the first line, '"
                    + String.join(String.valueOf(delimiter), names) + "', holds only numbers; add a line of column"
                    + " names before the data");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Integer first = seen.putIfAbsent(names.get(i), i);
            if (first != null) {
                throw new KilnException(source + ": the header names column '" + names.get(i) + "' twice, at index "
                        + first + " and at index " + i + "; expected every column name once");
            }
        }
        return names;
    }

    private static boolean isNumber(String name) {
        try {
            Double.parseDouble(name);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
