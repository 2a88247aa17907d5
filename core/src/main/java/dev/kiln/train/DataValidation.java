package dev.kiln.train;

import dev.kiln.KilnException;
import dev.kiln.data.Dataset;
import dev.kiln.layer.Layer;
import dev.kiln.loss.Loss;
import dev.kiln.model.Model;
import dev.kiln.tensor.Shape;

/** Checks a data set against a compiled model before any step runs, in one pass over the host data. */
final class DataValidation {
    private static final int CHUNK = 1024;

    private DataValidation() {
    }

    /** Fails when the data's shapes, values (when {@code checkFinite}) or labels do not suit the model and loss. */
    static void check(Model model, Loss loss, Dataset data, String what, boolean checkFinite) {
        if (data.size() == 0) {
            throw new KilnException(what + " has no samples");
        }
        if (!data.featureShape().equals(model.inputShape())) {
            throw new KilnException("model input: expected samples of shape " + Layer.batchShape(model.inputShape())
                    + ", " + what + " has " + Layer.batchShape(data.featureShape()));
        }
        LabelRule rule = LabelRule.of(loss);
        Shape output = model.outputShape();
        rule.checkShapes(loss, output, data.labelShape());
        scan(data, what, checkFinite, rule, loss, output);
    }

    private static void scan(Dataset data, String what, boolean checkFinite, LabelRule rule, Loss loss, Shape output) {
        int featureSize = Math.toIntExact(data.featureShape().size());
        int labelSize = Math.toIntExact(data.labelShape().size());
        int chunk = Math.min(CHUNK, data.size());
        int[] indices = new int[chunk];
        double[] features = new double[chunk * featureSize];
        double[] labels = new double[chunk * labelSize];
        for (int start = 0; start < data.size(); start += chunk) {
            int count = Math.min(chunk, data.size() - start);
            for (int i = 0; i < count; i++) {
                indices[i] = start + i;
            }
            data.gather(indices, 0, count, features, labels);
            for (int i = 0; i < count; i++) {
                if (checkFinite) {
                    requireFinite(features, i * featureSize, featureSize, start + i, what + " inputs");
                    requireFinite(labels, i * labelSize, labelSize, start + i, what + " labels");
                }
                rule.checkLabel(loss, output, start + i, labels, i * labelSize, labelSize);
            }
        }
    }

    private static void requireFinite(double[] values, int offset, int length, int sample, String what) {
        for (int k = 0; k < length; k++) {
            double v = values[offset + k];
            if (!Double.isFinite(v)) {
                throw new KilnException(what + " contain " + v + " at sample " + sample + ", position " + k
                        + ": clean the data, or disable this check with FitOptions.builder().checkFinite(false)");
            }
        }
    }
}
