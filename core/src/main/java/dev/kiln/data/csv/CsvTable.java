package dev.kiln.data.csv;

import dev.kiln.HeapExhaustedException;
import dev.kiln.KilnException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file read into memory by column: a cell that holds a finite number is kept as a {@code double}, any other
 * cell as text (each distinct text once per column), so a table takes about 8 bytes a cell rather than a string
 * each, and grows without copying. A number's text is its shortest decimal form ("2.50" reads back as "2.5").
 */
public final class CsvTable {
    private final String source;
    private final List<String> header;
    private final int rows;
    private final int[] lines;
    private final Column[] columns;

    private CsvTable(String source, List<String> header, int rows, int[] lines, Column[] columns) {
        this.source = source;
        this.header = List.copyOf(header);
        this.rows = rows;
        this.lines = lines;
        this.columns = columns;
    }

    /** Where the table came from, for messages. */
    public String source() {
        return source;
    }

    /** The column names. */
    public List<String> header() {
        return header;
    }

    /** The number of records after the header. */
    public int rowCount() {
        return rows;
    }

    /** The 1-based line on which record {@code row} starts. */
    public int line(int row) {
        return lines[row];
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

    /** Whether every cell of {@code column} holds a finite number. */
    public boolean isNumeric(int column) {
        return columns[column].allNumbers();
    }

    /** Whether a cell holds a finite number. */
    public boolean isNumber(int row, int column) {
        return columns[column].isNumber(row);
    }

    /** The number in a cell; a cell without a finite number fails naming the line and the column. */
    public double number(int row, int column) {
        Column cells = columns[column];
        if (cells.isNumber(row)) {
            return cells.number(row);
        }
        String text = cells.text(row);
        throw new KilnException(where(row, column) + (text.isEmpty() ? "missing value, expected a number"
                : "'" + text + "' is not a number, expected a finite number"));
    }

    /** The text of a cell, trimmed: as written, or a number's shortest decimal form. */
    public String text(int row, int column) {
        Column cells = columns[column];
        return cells.isNumber(row) ? decimal(cells.number(row)) : cells.text(row);
    }

    /** "t.csv: line 3, column 'y' (index 1): ", the start of a message about one cell. */
    public String where(int row, int column) {
        return source + ": line " + lines[row] + ", column '" + header.get(column) + "' (index " + column + "): ";
    }

    /** This table without column {@code column}; the cells are shared, not copied. */
    public CsvTable without(int column) {
        List<String> names = new ArrayList<>(header);
        names.remove(column);
        List<Column> kept = new ArrayList<>(Arrays.asList(columns));
        kept.remove(column);
        return new CsvTable(source, names, rows, lines, kept.toArray(Column[]::new));
    }

    private static String decimal(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** Collects records one at a time. */
    static final class Builder {
        private final String source;
        private final List<String> header;
        private final Column[] columns;
        private int[] lines = new int[Column.CHUNK];
        private int rows;

        Builder(String source, List<String> header) {
            this.source = source;
            this.header = List.copyOf(header);
            this.columns = new Column[header.size()];
            for (int c = 0; c < columns.length; c++) {
                columns[c] = new Column();
            }
        }

        /** Appends the record on {@code line}, whose fields are as many as the header's. */
        void add(int line, List<String> fields) {
            try {
                if (rows == lines.length) {
                    lines = Arrays.copyOf(lines, (int) Math.min(Integer.MAX_VALUE - 8, 2L * rows));
                }
                for (int c = 0; c < columns.length; c++) {
                    columns[c].set(rows, fields.get(c).trim());
                }
            } catch (OutOfMemoryError e) {
                long bytes = (rows + (long) Column.CHUNK) * (Integer.BYTES + (long) columns.length * Double.BYTES);
                throw new HeapExhaustedException(source + ": holding more than " + rows + " rows of "
                        + columns.length + " columns", bytes, e);
            }
            lines[rows++] = line;
        }

        int rows() {
            return rows;
        }

        CsvTable build() {
            return new CsvTable(source, header, rows, Arrays.copyOf(lines, rows), columns);
        }
    }

    /**
     * One column: numbers in primitive arrays of {@link #CHUNK} cells (no copying as the table grows, no array
     * larger than a few pages), other cells as indices into the column's distinct texts.
     */
    private static final class Column {
        static final int CHUNK = 1 << 13;
        private static final int NUMBER = -1;

        private final List<double[]> values = new ArrayList<>();
        /** The text index of each cell, or NUMBER; null while every cell so far is a number. */
        private List<int[]> textIndex;
        private final List<String> texts = new ArrayList<>();
        private final Map<String, Integer> indexOfText = new HashMap<>();

        boolean allNumbers() {
            return texts.isEmpty();
        }

        boolean isNumber(int row) {
            return textIndex == null || textIndex.get(row / CHUNK)[row % CHUNK] == NUMBER;
        }

        double number(int row) {
            return values.get(row / CHUNK)[row % CHUNK];
        }

        String text(int row) {
            return texts.get(textIndex.get(row / CHUNK)[row % CHUNK]);
        }

        /** Sets the cell of {@code row}, which is the row after the last one set. */
        void set(int row, String cell) {
            if (row % CHUNK == 0) {
                values.add(new double[CHUNK]);
                if (textIndex != null) {
                    textIndex.add(numbers());
                }
            }
            double value = parse(cell);
            if (Double.isFinite(value)) {
                values.get(row / CHUNK)[row % CHUNK] = value;
                if (textIndex != null) {
                    textIndex.get(row / CHUNK)[row % CHUNK] = NUMBER;
                }
                return;
            }
            if (textIndex == null) {
                textIndex = new ArrayList<>();
                values.forEach(chunk -> textIndex.add(numbers()));
            }
            textIndex.get(row / CHUNK)[row % CHUNK] = indexOfText.computeIfAbsent(cell, t -> {
                texts.add(t);
                return texts.size() - 1;
            });
        }

        private static int[] numbers() {
            int[] chunk = new int[CHUNK];
            Arrays.fill(chunk, NUMBER);
            return chunk;
        }

        /** The cell's number, or NaN when it holds none (NaN and infinities count as none). */
        private static double parse(String cell) {
            if (cell.isEmpty()) {
                return Double.NaN;
            }
            try {
                return Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
    }
}
