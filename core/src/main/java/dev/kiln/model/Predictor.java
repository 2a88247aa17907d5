package dev.kiln.model;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradMode;
import dev.kiln.layer.ForwardContext;
import dev.kiln.layer.Layer;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.Arrays;

/** Runs a model over host rows in batches, each batch's device memory freed before the next. */
final class Predictor {
    private Predictor() {
    }

    /** One output row (the flattened per-sample output) per row of x; each row holds one flattened sample. */
    static double[][] predict(Model model, double[][] x, int batchSize) {
        if (x.length == 0) {
            return new double[0][];
        }
        if (!model.isBuilt()) {
            model.build(Shape.of(x[0].length));
        }
        Shape sample = model.inputShape();
        int width = Math.toIntExact(sample.size());
        int outWidth = Math.toIntExact(model.outputShape().size());
        double[][] out = new double[x.length][];
        try (GradMode.Restore ignored = GradMode.disabled()) {
            for (int start = 0; start < x.length; start += batchSize) {
                int count = Math.min(batchSize, x.length - start);
                double[] flat = new double[count * width];
                for (int i = 0; i < count; i++) {
                    if (x[start + i].length != width) {
                        throw new KilnException("predict: row " + (start + i) + " has " + x[start + i].length
                                + " values, the model takes samples of shape " + Layer.batchShape(sample)
                                + " (" + width + " values)");
                    }
                    System.arraycopy(x[start + i], 0, flat, i * width, width);
                }
                try (MemoryScope batch = MemoryScope.open()) {
                    Tensor input = Tensor.of(model.backend(), model.dtype(), sample.prepend(count), flat);
                    double[] values = model.forward(input, ForwardContext.inference()).toDoubleArray();
                    for (int i = 0; i < count; i++) {
                        out[start + i] = Arrays.copyOfRange(values, i * outWidth, (i + 1) * outWidth);
                    }
                }
            }
        }
        return out;
    }
}
