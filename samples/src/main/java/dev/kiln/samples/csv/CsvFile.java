package dev.kiln.samples.csv;

import dev.kiln.KilnException;
import dev.kiln.data.csv.CsvReader;
import dev.kiln.data.csv.CsvTable;
import dev.kiln.samples.commandline.DelimiterConverter;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a CSV file given to a kiln command; a header that comes out as one column holding another common delimiter
 * means the file is separated by that one, so {@code --delimiter} is suggested.
 */
public final class CsvFile {
    private static final List<Character> COMMON_DELIMITERS = List.of(';', '\t', ',');

    private CsvFile() {
    }

    /** The table in {@code file}, its fields separated by {@code delimiter}. */
    public static CsvTable read(Path file, char delimiter) {
        CsvTable table = CsvReader.read(file, delimiter);
        if (table.header().size() == 1) {
            String name = table.header().get(0);
            for (char other : COMMON_DELIMITERS) {
                if (other != delimiter && name.indexOf(other) >= 0) {
                    String held = other == '\t' ? "tabs" : "'" + other + "'";
                    throw new KilnException(file + ": the header '" + name.replace("\t", "\\t")
                            + "' is a single column holding " + held + "; if the columns are separated by " + held
                            + ", give --delimiter " + DelimiterConverter.option(other));
                }
            }
        }
        return table;
    }
}
