package dev.kiln.monitor;

import dev.kiln.tensor.Tensor;
import dev.kiln.train.TrainableModel;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/** The histograms every monitor takes of a model, tagged by the weights' names in the model. */
final class ModelHistograms {
    private ModelHistograms() {
    }

    /** A histogram of every weight, tagged "dense_1/kernel". */
    static void weights(TrainableModel model, HistogramSource source, BiConsumer<String, Histogram> sink) {
        for (Map.Entry<String, Tensor> w : model.namedWeights().entrySet()) {
            source.of(w.getValue()).ifPresent(h -> sink.accept(w.getKey(), h));
        }
    }

    /** A histogram of the gradient each trainable weight holds, tagged "dense_1/kernel_gradient". */
    static void gradients(TrainableModel model, HistogramSource source, BiConsumer<String, Histogram> sink) {
        Set<Tensor> trainable = Collections.newSetFromMap(new IdentityHashMap<>());
        trainable.addAll(model.trainableParameters());
        for (Map.Entry<String, Tensor> w : model.namedWeights().entrySet()) {
            Tensor weight = w.getValue();
            if (trainable.contains(weight) && weight.hasGradient()) {
                source.of(weight.grad()).ifPresent(h -> sink.accept(w.getKey() + "_gradient", h));
            }
        }
    }

    /** The model summary as Markdown: indented four spaces, a preformatted block. */
    static String summaryMarkdown(TrainableModel model) {
        return model.summary().indent(4).stripTrailing();
    }
}
