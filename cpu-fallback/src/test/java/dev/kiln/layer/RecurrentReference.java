package dev.kiln.layer;

/**
 * Keras's recurrent formulas written out step by step in plain double loops, independent of the fused kernels:
 * the reference the layers' outputs are checked against. Weights are row-major as Keras stores them.
 */
final class RecurrentReference {
    private RecurrentReference() {
    }

    /**
     * x [batch][time][features] -> states after every step [batch][time][units] (and c in {@code cells} if not null).
     * {@code cell} is "simple", "lstm", "gru" (reset after the recurrent product, bias [2, 3 * units]) or
     * "gru-reset-before" (Keras's reset_after=False, bias [3 * units]).
     */
    static double[][][] run(String cell, double[][][] x, double[] kernel, double[] recurrent, double[] bias, int units,
                            double[][] h0, double[][] c0, double[][][] cells) {
        int batch = x.length;
        int steps = x[0].length;
        int features = x[0][0].length;
        int gates = cell.equals("lstm") ? 4 : cell.startsWith("gru") ? 3 : 1;
        int width = gates * units;
        double[][][] out = new double[batch][steps][units];
        for (int n = 0; n < batch; n++) {
            double[] h = h0 == null ? new double[units] : h0[n].clone();
            double[] c = c0 == null ? new double[units] : c0[n].clone();
            for (int t = 0; t < steps; t++) {
                double[] xw = new double[width];
                double[] hu = new double[width];
                for (int j = 0; j < width; j++) {
                    for (int f = 0; f < features; f++) {
                        xw[j] += x[n][t][f] * kernel[f * width + j];
                    }
                    for (int k = 0; k < units; k++) {
                        hu[j] += h[k] * recurrent[k * width + j];
                    }
                    if (bias != null) {
                        xw[j] += bias[j];
                        if (cell.equals("gru")) {
                            hu[j] += bias[width + j];
                        }
                    }
                }
                double[] next = new double[units];
                double[] resetHidden = new double[units];
                if (cell.equals("gru-reset-before")) {
                    for (int k = 0; k < units; k++) {
                        resetHidden[k] = sigmoid(xw[units + k] + hu[units + k]) * h[k];
                    }
                }
                for (int j = 0; j < units; j++) {
                    switch (cell) {
                        case "simple" -> next[j] = Math.tanh(xw[j] + hu[j]);
                        case "lstm" -> {
                            double i = sigmoid(xw[j] + hu[j]);
                            double fg = sigmoid(xw[units + j] + hu[units + j]);
                            double g = Math.tanh(xw[2 * units + j] + hu[2 * units + j]);
                            double o = sigmoid(xw[3 * units + j] + hu[3 * units + j]);
                            c[j] = fg * c[j] + i * g;
                            next[j] = o * Math.tanh(c[j]);
                        }
                        case "gru" -> {
                            double z = sigmoid(xw[j] + hu[j]);
                            double r = sigmoid(xw[units + j] + hu[units + j]);
                            double hh = Math.tanh(xw[2 * units + j] + r * hu[2 * units + j]);
                            next[j] = z * h[j] + (1 - z) * hh;
                        }
                        default -> {
                            double z = sigmoid(xw[j] + hu[j]);
                            double resetProduct = 0;
                            for (int k = 0; k < units; k++) {
                                resetProduct += resetHidden[k] * recurrent[k * width + 2 * units + j];
                            }
                            double hh = Math.tanh(xw[2 * units + j] + resetProduct);
                            next[j] = z * h[j] + (1 - z) * hh;
                        }
                    }
                }
                h = next;
                out[n][t] = h.clone();
                if (cells != null) {
                    cells[n][t] = c.clone();
                }
            }
        }
        return out;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
