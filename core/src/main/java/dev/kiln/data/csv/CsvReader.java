package dev.kiln.data.csv;

import dev.kiln.KilnException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads delimited files (comma-separated unless told otherwise) with a header row of distinct column names, one
 * record at a time into a {@link CsvTable}. Fields may be quoted with {@code "}, a quoted field may hold delimiters,
 * line breaks and doubled quotes ({@code ""}); blank lines are skipped; every record must be as wide as the header.
 * A leading byte-order mark is skipped.
 */
public final class CsvReader {
    /** The delimiter of comma-separated files. */
    public static final char COMMA = ',';
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private CsvReader() {
    }

    /** The table in {@code file} (UTF-8), comma-separated. */
    public static CsvTable read(Path file) {
        return read(file, COMMA);
    }

    /** The table in {@code file} (UTF-8), its fields separated by {@code delimiter}. */
    public static CsvTable read(Path file, char delimiter) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString(), delimiter);
        } catch (CharacterCodingException e) {
            throw notUtf8(file, e);
        } catch (IOException e) {
            throw new KilnException(file + ": cannot read (" + e + ")", e);
        }
    }

    /** The comma-separated table in {@code text}, named {@code source} in messages. */
    public static CsvTable parse(String text, String source) {
        return parse(text, source, COMMA);
    }

    /** The table in {@code text}, its fields separated by {@code delimiter}, named {@code source} in messages. */
    public static CsvTable parse(String text, String source, char delimiter) {
        try {
            return read(new StringReader(text), source, delimiter);
        } catch (IOException e) {
            throw new KilnException(source + ": cannot read (" + e + ")", e);
        }
    }

    private static KilnException notUtf8(Path file, CharacterCodingException e) {
        try {
            return NonUtf8Byte.first(file)
                    .map(b -> new KilnException(String.format(Locale.ROOT, "%s: not UTF-8 text: byte 0x%02X at offset"
                            + " %d (line %d) is not valid UTF-8; save the file as UTF-8", file, b.value(), b.offset(),
                            b.line()), e))
                    .orElseGet(() -> new KilnException(file + ": not UTF-8 text (" + e + ")", e));
        } catch (IOException again) {
            return new KilnException(file + ": cannot read (" + again + ")", again);
        }
    }

    private static CsvTable read(Reader reader, String source, char delimiter) throws IOException {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new KilnException("a CSV delimiter cannot be a quote or a line break, got "
                    + (delimiter == '"' ? "'\"'" : "a line break"));
        }
        BufferedReader in = new BufferedReader(reader);
        in.mark(1);
        if (in.read() != BYTE_ORDER_MARK) {
            in.reset();
        }
        RecordScanner scanner = new RecordScanner(in, source, delimiter);
        CsvRow header = scanner.next();
        if (header == null) {
            throw new KilnException(source + ": empty file, expected a header row with the column names");
        }
        List<String> names = CsvHeader.names(header, source, delimiter);
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
        private final char delimiter;
        private int line = 1;

        RecordScanner(BufferedReader in, String source, char delimiter) {
            this.in = in;
            this.source = source;
            this.delimiter = delimiter;
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
                    } else if (c == delimiter) {
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
