package dev.kiln.samples.persist;

import dev.kiln.KilnException;
import dev.kiln.data.csv.CsvTable;
import dev.kiln.data.idx.IdxArray;
import dev.kiln.data.idx.IdxReader;
import dev.kiln.samples.csv.CsvFile;
import dev.kiln.tensor.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** Reads the samples a saved model is applied to: IDX arrays, or CSV with a header row and one sample per row. */
final class ModelInputs {
    private ModelInputs() {
    }

    /** Whether {@code file} is read as IDX (by its name) rather than CSV. */
    static boolean isIdx(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.contains("idx") || name.endsWith("-ubyte") || name.endsWith("-ubyte.gz");
    }

    /** One row of {@code inputShape.size()} values per sample of {@code file} (CSV split at {@code delimiter}). */
    static double[][] read(Path file, Shape inputShape, char delimiter) {
        return isIdx(file) ? idx(file, inputShape) : csv(CsvFile.read(file, delimiter), inputShape);
    }

    /** The rows of a table whose every column is a feature, in the model's input order. */
    static double[][] csv(CsvTable table, Shape inputShape) {
        int width = Math.toIntExact(inputShape.size());
        if (table.header().size() != width) {
            throw new KilnException(table.source() + ": " + table.header().size() + " columns " + table.header()
                    + ", the model takes " + width + " features per sample (input shape " + inputShape + ")");
        }
        double[][] rows = new double[table.rowCount()][width];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < width; c++) {
                rows[r][c] = table.number(r, c);
            }
        }
        return rows;
    }

    private static double[][] idx(Path file, Shape inputShape) {
        IdxArray array = IdxReader.read(file);
        int[] dims = array.header().dimensions();
        int width = Math.toIntExact(inputShape.size());
        int sampleSize = dims.length == 0 ? 0 : Math.toIntExact(Arrays.stream(dims).skip(1).asLongStream()
                .reduce(1, Math::multiplyExact));
        if (dims.length < 2 || sampleSize != width) {
            throw new KilnException(file.getFileName() + ": IDX array of dimensions " + Arrays.toString(dims)
                    + ", the model takes samples of " + width + " values (input shape " + inputShape + ")");
        }
        double[][] rows = new double[dims[0]][width];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < width; c++) {
                rows[r][c] = array.get(r * width + c);
            }
        }
        return rows;
    }
}
