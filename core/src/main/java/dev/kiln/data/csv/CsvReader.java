package dev.kiln.data.csv;

import dev.kiln.KilnException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads comma-separated files with a header row, one record at a time into a {@link CsvTable}. Fields may be
 * quoted with {@code "}, a quoted field may hold commas, line breaks and doubled quotes ({@code ""}); blank lines
 * are skipped; every record must be as wide as the header.
 */
public final class CsvReader {
    private CsvReader() {
    }

    /** The table in {@code file} (UTF-8). */
    public static CsvTable read(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new KilnException(file + ": cannot read (" + e + ")", e);
        }
    }

    /** The table in {@code text}, named {@code source} in messages. */
    public static CsvTable parse(String text, String source) {
        try {
            return read(new StringReader(text), source);
        } catch (IOException e) {
            throw new KilnException(source + ": cannot read (" + e + ")", e);
        }
    }

    private static CsvTable read(Reader reader, String source) throws IOException {
        RecordScanner scanner = new RecordScanner(new BufferedReader(reader), source);
        CsvRow header = scanner.next();
        if (header == null) {
            throw new KilnException(source + ": empty file, expected a header row with the column names");
        }
        List<String> names = header.fields().stream().map(String::trim).toList();
        CsvTable.Builder table = new CsvTable.Builder(source, names);
        for (CsvRow row = scanner.next(); row != null; row = scanner.next()) {
            if (row.fields().size() != names.size()) {
                throw new KilnException(source + ": line " + row.line() + " has " + row.fields().size()
                        + " fields, expected " + names.size() + " like the header");
            }
            table.add(row.line(), row.fields());
        }
        if (table.rows() == 0) {
            throw new KilnException(source + ": no data rows after the header");
        }
        return table.build();
    }

    /** Splits characters into records, tracking the line each record starts on. */
    private static final class RecordScanner {
        private final BufferedReader in;
        private final String source;
        private int line = 1;

        RecordScanner(BufferedReader in, String source) {
            this.in = in;
            this.source = source;
        }

        /** The next non-blank record, or null at the end. */
        CsvRow next() throws IOException {
            while (true) {
                int start = line;
                List<String> fields = new ArrayList<>();
                StringBuilder field = new StringBuilder();
                boolean quoted = false;
                boolean any = false;
                int c;
                while ((c = in.read()) != -1) {
                    any = true;
                    if (quoted) {
                        if (c == '"') {
                            in.mark(1);
                            if (in.read() == '"') {
                                field.append('"');
                            } else {
                                in.reset();
                                quoted = false;
                            }
                        } else {
                            if (c == '\n') {
                                line++;
                            }
                            field.append((char) c);
                        }
                    } else if (c == '"' && field.toString().isBlank()) {
                        field.setLength(0);
                        quoted = true;
                    } else if (c == ',') {
                        fields.add(field.toString());
                        field.setLength(0);
                    } else if (c == '\n') {
                        line++;
                        break;
                    } else if (c != '\r') {
                        field.append((char) c);
                    }
                }
                if (quoted) {
                    throw new KilnException(source + ": line " + start + ": a quoted field is not closed,"
                            + " expected a closing \"");
                }
                if (!any) {
                    return null;
                }
                fields.add(field.toString());
                if (fields.size() == 1 && fields.get(0).isBlank()) {
                    continue;
                }
                return new CsvRow(start, fields);
            }
        }
    }
}
