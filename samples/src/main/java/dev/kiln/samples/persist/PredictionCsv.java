package dev.kiln.samples.persist;

import java.util.List;

/**
 * Model outputs as CSV: a column per output and, when there are several, the class of the largest output (its
 * name when the model records class names, else its index).
 */
final class PredictionCsv {
    private PredictionCsv() {
    }

    static String of(double[][] outputs, List<String> classes) {
        int width = outputs.length == 0 ? 1 : outputs[0].length;
        StringBuilder out = new StringBuilder();
        for (int c = 0; c < width; c++) {
            out.append(c == 0 ? "" : ",").append(width == 1 ? "prediction" : "output_" + c);
        }
        out.append(width > 1 ? ",class\n" : "\n");
        for (double[] row : outputs) {
            int best = 0;
            for (int c = 0; c < row.length; c++) {
                out.append(c == 0 ? "" : ",").append(row[c]);
                best = row[c] > row[best] ? c : best;
            }
            if (width > 1) {
                out.append(',').append(classes.size() == width ? classes.get(best) : String.valueOf(best));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
