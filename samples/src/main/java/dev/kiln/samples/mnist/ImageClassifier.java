package dev.kiln.samples.mnist;

import dev.kiln.backend.Backend;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.io.Compilation;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metric;
import dev.kiln.metric.Metrics;
import dev.kiln.metric.RenamedMetric;
import dev.kiln.model.Model;
import dev.kiln.optim.Adam;
import dev.kiln.optim.CosineDecay;
import dev.kiln.samples.ModelStorage;
import dev.kiln.tensor.Shape;
import dev.kiln.train.Callback;
import dev.kiln.train.Evaluation;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import dev.kiln.train.LearningRateScheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Trains an {@link ImageArchitecture} on gray images as the Keras examples do: categorical cross-entropy, Adam,
 * accuracy, optionally with the last part of the training images held out for validation, then scores it on the
 * test images.
 *
 * @param architecture the network
 * @param validationSplit fraction of the training images held out for validation, taken from the end (Keras
 *                        semantics); 0 trains on all of them
 * @param annealed whether the learning rate follows half a cosine over the run's epochs (epoch e of n at
 *                 (1 + cos(pi e / n)) / 2 of the initial rate), instead of staying constant
 */
public record ImageClassifier(ImageArchitecture architecture, double validationSplit, boolean annealed) {
    /** The Keras examples' validation split: the last tenth of the training images. */
    public static final double VALIDATION_SPLIT = 0.1;

    /** A classifier holding out the Keras examples' tenth for validation, at a constant learning rate. */
    public ImageClassifier(ImageArchitecture architecture) {
        this(architecture, VALIDATION_SPLIT, false);
    }

    /**
     * What one training produced.
     *
     * @param history per-epoch loss and accuracy, training and validation
     * @param test loss and accuracy on the test images
     * @param parameters trainable parameters of the model
     * @param summary the model's layer table
     */
    public record Result(History history, Evaluation test, long parameters, String summary) {
    }

    /** The compiled model on {@code backend} for images of shape {@code image}, its initial weights from {@code seed}. */
    public Model model(Backend backend, Shape image, int classes, double learningRate, long seed) {
        Model model = architecture.create(backend, image, classes, seed);
        model.compile(Losses.categoricalCrossEntropy(false), new Adam(learningRate), accuracy());
        return model;
    }

    /** Trains a new model on {@code data} and evaluates it on the test images. */
    public Result train(Backend backend, MnistData data, int epochs, int batchSize, double learningRate, long seed,
                        List<Callback> callbacks) {
        return train(backend, data, epochs, batchSize, learningRate, seed, callbacks, ModelStorage.none());
    }

    /** Trains and evaluates as above, saving, checkpointing and resuming as {@code storage} says. */
    public Result train(Backend backend, MnistData data, int epochs, int batchSize, double learningRate, long seed,
                        List<Callback> callbacks, ModelStorage storage) {
        Shape image = data.train().featureShape();
        try (Model model = model(backend, image, data.classes(), learningRate, seed)) {
            Compilation compilation = Compilation.of(Losses.categoricalCrossEntropy(false), accuracy());
            Standardization pixels = pixelScaling(image.size());
            List<Callback> all = new ArrayList<>(callbacks);
            if (annealed) {
                all.add(new LearningRateScheduler(new CosineDecay(epochs)));
            }
            History history = model.fit(data.train(), storage.apply(FitOptions.builder()
                    .epochs(epochs)
                    .batchSize(batchSize)
                    .validationSplit(validationSplit)
                    .seed(seed)
                    .callbacks(all.toArray(Callback[]::new))
                    .build(), compilation, pixels));
            storage.save(model, compilation, pixels);
            return new Result(history, model.evaluate(data.test()), model.trainableParameterCount(), model.summary());
        }
    }

    /** The scaling the images were loaded with (bytes 0-255 to [0, 1]), stored with a saved model. */
    private static Standardization pixelScaling(long pixels) {
        double[] scale = new double[Math.toIntExact(pixels)];
        Arrays.fill(scale, 255);
        return new Standardization(Standardization.Method.MIN_MAX, new double[scale.length], scale);
    }

    /** Training samples per epoch for a data set of {@code size} samples after the validation split. */
    public long trainingSamples(int size) {
        return (long) (size * (1 - validationSplit));
    }

    private static Metric accuracy() {
        return new RenamedMetric("accuracy", Metrics.categoricalAccuracy());
    }
}
