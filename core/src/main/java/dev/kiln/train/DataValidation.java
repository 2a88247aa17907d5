package dev.kiln.train;

import dev.kiln.KilnException;
import dev.kiln.data.Dataset;
import dev.kiln.layer.Layer;
import dev.kiln.tensor.Shape;
import java.util.List;

/** Checks a data set against a compiled model before any step runs, in one pass over the host data. */
final class DataValidation {
    private static final int CHUNK = 1024;

    private DataValidation() {
    }

    /**
     * Fails when the data's arrays (matched to the model's inputs and outputs by name or position), shapes, values
     * (when {@code checkFinite}) or labels do not suit the model and its losses; returns which array feeds what.
     */
    static DataLayout check(TrainableModel model, Objective objective, Dataset data, String what, boolean checkFinite) {
        if (data.size() == 0) {
            throw new KilnException(what + " has no samples");
        }
        List<String> inputNames = model.inputNames();
        List<Shape> inputShapes = model.inputShapes();
        int[] inputs = match(inputNames, data.featureNames(), data.featureShapes().size(), what, "input", "feature");
        for (int i = 0; i < inputs.length; i++) {
            Shape has = data.featureShapes().get(inputs[i]);
            if (!has.equals(inputShapes.get(i))) {
                String input = inputNames.size() == 1 ? "model input" : "model input '" + inputNames.get(i) + "'";
                throw new KilnException(input + ": expected samples of shape " + Layer.batchShape(inputShapes.get(i))
                        + ", " + what + " has " + Layer.batchShape(has));
            }
        }
        List<OutputHead> heads = objective.heads();
        List<String> outputNames = heads.stream().map(OutputHead::name).toList();
        int[] outputs = match(outputNames, data.labelNames(), data.labelShapes().size(), what, "output", "label");
        LabelRule[] rules = new LabelRule[heads.size()];
        for (int i = 0; i < heads.size(); i++) {
            OutputHead h = heads.get(i);
            rules[i] = LabelRule.of(h.loss());
            Shape output = model.outputShapes().get(h.index());
            try {
                rules[i].checkShapes(h.loss(), output, data.labelShapes().get(outputs[i]));
            } catch (KilnException e) {
                throw heads.size() == 1 ? e : new KilnException("output '" + h.name() + "': " + e.getMessage(), e);
            }
        }
        scan(model, data, what, checkFinite, heads, rules, inputs, outputs);
        return new DataLayout(inputs, outputs);
    }

    /** For each of the model's {@code expected} inputs or outputs, the index of the data array that belongs to it. */
    private static int[] match(List<String> expected, List<String> names, int arrays, String what, String side,
                               String role) {
        int[] order = new int[expected.size()];
        if (names.isEmpty()) {
            if (arrays != expected.size()) {
                throw new KilnException("the model has " + expected.size() + " " + side + (expected.size() == 1 ? " " : "s ")
                        + expected + " but " + what + " has " + arrays + " " + role + " array"
                        + (arrays == 1 ? "" : "s") + "; give one per " + side + ", in order or by name");
            }
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            return order;
        }
        for (String name : names) {
            if (!expected.contains(name)) {
                throw new KilnException(what + " has a " + role + " array '" + name + "', which is not a model "
                        + side + "; the model's " + side + "s are " + expected);
            }
        }
        for (int i = 0; i < order.length; i++) {
            order[i] = names.indexOf(expected.get(i));
            if (order[i] < 0) {
                throw new KilnException("model " + side + " '" + expected.get(i) + "' has no " + role + " array in "
                        + what + ", which has " + names);
            }
        }
        return order;
    }

    private static void scan(TrainableModel model, Dataset data, String what, boolean checkFinite,
                             List<OutputHead> heads, LabelRule[] rules, int[] inputs, int[] outputs) {
        List<Shape> featureShapes = data.featureShapes();
        List<Shape> labelShapes = data.labelShapes();
        int chunk = Math.min(CHUNK, data.size());
        int[] indices = new int[chunk];
        double[][] features = new double[featureShapes.size()][];
        double[][] labels = new double[labelShapes.size()][];
        for (int a = 0; a < features.length; a++) {
            features[a] = new double[chunk * Math.toIntExact(featureShapes.get(a).size())];
        }
        for (int a = 0; a < labels.length; a++) {
            labels[a] = new double[chunk * Math.toIntExact(labelShapes.get(a).size())];
        }
        boolean several = inputs.length > 1 || outputs.length > 1;
        for (int start = 0; start < data.size(); start += chunk) {
            int count = Math.min(chunk, data.size() - start);
            for (int i = 0; i < count; i++) {
                indices[i] = start + i;
            }
            data.gather(indices, 0, count, features, labels);
            for (int i = 0; i < count; i++) {
                if (checkFinite) {
                    for (int k = 0; k < inputs.length; k++) {
                        int size = Math.toIntExact(featureShapes.get(inputs[k]).size());
                        requireFinite(features[inputs[k]], i * size, size, start + i, what + " inputs"
                                + (several ? " of '" + model.inputNames().get(k) + "'" : ""));
                    }
                    for (int k = 0; k < outputs.length; k++) {
                        int size = Math.toIntExact(labelShapes.get(outputs[k]).size());
                        requireFinite(labels[outputs[k]], i * size, size, start + i, what + " labels"
                                + (several ? " of '" + heads.get(k).name() + "'" : ""));
                    }
                }
                for (int k = 0; k < outputs.length; k++) {
                    OutputHead h = heads.get(k);
                    int size = Math.toIntExact(labelShapes.get(outputs[k]).size());
                    try {
                        rules[k].checkLabel(h.loss(), model.outputShapes().get(h.index()), start + i, labels[outputs[k]],
                                i * size, size);
                    } catch (KilnException e) {
                        throw heads.size() == 1 ? e : new KilnException("output '" + h.name() + "': " + e.getMessage(), e);
                    }
                }
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
