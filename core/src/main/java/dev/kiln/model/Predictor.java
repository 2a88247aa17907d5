package dev.kiln.model;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradMode;
import dev.kiln.backend.DType;
import dev.kiln.layer.ForwardContext;
import dev.kiln.layer.Layer;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            model.build(model.hasShapes() ? model.inputShapes() : List.of(Shape.of(x[0].length)));
        }
        if (model.outputShapes().size() != 1) {
            throw new KilnException("model '" + model.name() + "' has " + model.outputShapes().size() + " outputs "
                    + model.outputNames() + "; use predictAll to receive them all");
        }
        return predictAll(model, List.<double[][]>of(x), batchSize).get(0);
    }

    /** One array per output, each with one row per sample, for one array of rows per input in the model's order. */
    static List<double[][]> predictAll(Model model, List<double[][]> x, int batchSize) {
        if (!model.isBuilt() && !model.hasShapes() && x.size() == 1 && x.get(0).length > 0) {
            model.build(List.of(Shape.of(x.get(0)[0].length)));
        } else if (!model.isBuilt()) {
            model.build(model.inputShapes());
        }
        List<Shape> samples = model.inputShapes();
        List<String> names = model.inputNames();
        if (x.size() != samples.size()) {
            throw new KilnException("predict: the model has " + samples.size() + " inputs " + names + ", got "
                    + x.size() + " arrays of rows");
        }
        int rows = x.get(0).length;
        for (int k = 1; k < x.size(); k++) {
            if (x.get(k).length != rows) {
                throw new KilnException("predict: input '" + names.get(k) + "' has " + x.get(k).length
                        + " rows but '" + names.get(0) + "' has " + rows);
            }
        }
        List<Shape> outputs = model.outputShapes();
        List<double[][]> out = new ArrayList<>();
        for (int o = 0; o < outputs.size(); o++) {
            out.add(new double[rows][]);
        }
        try (GradMode.Restore ignored = GradMode.disabled()) {
            for (int start = 0; start < rows; start += batchSize) {
                int count = Math.min(batchSize, rows - start);
                try (MemoryScope batch = MemoryScope.open()) {
                    List<Tensor> inputs = new ArrayList<>();
                    for (int k = 0; k < x.size(); k++) {
                        String what = x.size() == 1 ? "" : " of input '" + names.get(k) + "'";
                        inputs.add(input(model, x.get(k), start, count, samples.get(k), what));
                    }
                    List<Tensor> results = model.forwardAll(inputs, ForwardContext.inference());
                    for (int o = 0; o < results.size(); o++) {
                        int width = Math.toIntExact(outputs.get(o).size());
                        double[] values = results.get(o).toDoubleArray();
                        for (int i = 0; i < count; i++) {
                            out.get(o)[start + i] = Arrays.copyOfRange(values, i * width, (i + 1) * width);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** One array per output by output name, for one array of rows per input name. */
    static Map<String, double[][]> predictAll(Model model, Map<String, double[][]> x, int batchSize) {
        if (!model.isBuilt()) {
            model.build(model.inputShapes());
        }
        List<String> names = model.inputNames();
        for (String name : x.keySet()) {
            if (!names.contains(name)) {
                throw new KilnException("predict: '" + name + "' is not an input of the model; its inputs are "
                        + names);
            }
        }
        List<double[][]> ordered = new ArrayList<>();
        for (String name : names) {
            double[][] rows = x.get(name);
            if (rows == null) {
                throw new KilnException("predict: no rows for model input '" + name + "'; got " + x.keySet());
            }
            ordered.add(rows);
        }
        List<String> outputs = model.outputNames();
        if (new HashSet<>(outputs).size() != outputs.size()) {
            throw new KilnException("predict: the model's outputs " + outputs + " do not have distinct names;"
                    + " use predictAll with a list of arrays");
        }
        List<double[][]> values = predictAll(model, ordered, batchSize);
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (int o = 0; o < outputs.size(); o++) {
            out.put(outputs.get(o), values.get(o));
        }
        return out;
    }

    /** A tensor of the model's dtype holding {@code count} rows from {@code start}, each a flattened sample. */
    private static Tensor input(Model model, double[][] rows, int start, int count, Shape sample, String what) {
        int width = Math.toIntExact(sample.size());
        for (int i = 0; i < count; i++) {
            if (rows[start + i].length != width) {
                throw new KilnException("predict: row " + (start + i) + what + " has " + rows[start + i].length
                        + " values, the model takes samples of shape " + Layer.batchShape(sample) + " (" + width
                        + " values)");
            }
        }
        Shape shape = sample.prepend(count);
        if (model.dtype() == DType.F32) {
            // Straight into floats: a double copy first would be converted again, twice the copying and garbage.
            float[] flat = new float[count * width];
            for (int i = 0; i < count; i++) {
                double[] row = rows[start + i];
                for (int j = 0; j < width; j++) {
                    flat[i * width + j] = (float) row[j];
                }
            }
            return Tensor.of(model.backend(), shape, flat);
        }
        double[] flat = new double[count * width];
        for (int i = 0; i < count; i++) {
            System.arraycopy(rows[start + i], 0, flat, i * width, width);
        }
        return Tensor.of(model.backend(), model.dtype(), shape, flat);
    }
}
