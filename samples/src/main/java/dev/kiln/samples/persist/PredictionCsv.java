package dev.kiln.samples.persist;

/** Model outputs as CSV: a column per output, plus the index of the largest output when there are several. */
final class PredictionCsv {
    private PredictionCsv() {
    }

    static String of(double[][] outputs) {
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
            out.append(width > 1 ? "," + best + "\n" : "\n");
        }
        return out.toString();
    }
}
