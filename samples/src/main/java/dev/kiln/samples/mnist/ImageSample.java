package dev.kiln.samples.mnist;

import dev.kiln.backend.Backend;
import dev.kiln.samples.Sample;
import dev.kiln.samples.SampleResult;
import dev.kiln.samples.TrainingSettings;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.samples.training.ProgressBar;
import dev.kiln.train.Callback;
import java.util.List;
import java.util.Map;

/**
 * An image classifier as a sample, on MNIST or Fashion-MNIST: the data set is fetched on first use, the model
 * trained (with a tenth held out for validation, except mnist-cnn), then scored on the test images.
 */
public final class ImageSample implements Sample {
    private final String name;
    private final String description;
    private final DataSetSpec dataSet;
    private final ImageClassifier classifier;
    private final TrainingSettings defaults;

    private ImageSample(String name, String description, DataSetSpec dataSet, ImageClassifier classifier,
                        TrainingSettings defaults) {
        this.name = name;
        this.description = description;
        this.dataSet = dataSet;
        this.classifier = classifier;
        this.defaults = defaults;
    }

    /** 784-128-10 on the MNIST digits: the Keras example, test accuracy about 0.975-0.98 after 10 epochs. */
    public static ImageSample mnistMlp() {
        return new ImageSample("mnist-mlp", "784-128-10 MLP on the MNIST digits (the Keras example); test"
                + " accuracy about 0.975 after 10 epochs", DataSetSpec.MNIST, new ImageClassifier(new ImageMlp(128)),
                new TrainingSettings(10, 32, 1e-3, 1, null));
    }

    /** 784-256-10 on Fashion-MNIST, test accuracy about 0.88 after 10 epochs. */
    public static ImageSample fashionMlp() {
        return new ImageSample("fashion-mlp", "784-256-10 MLP on Fashion-MNIST clothing images; test accuracy"
                + " about 0.88 after 10 epochs", DataSetSpec.FASHION_MNIST,
                new ImageClassifier(new ImageMlp(256)),
                new TrainingSettings(10, 32, 1e-3, 1, null));
    }

    /**
     * The Keras MNIST convnet with a dense 128 layer, batch 128, trained on all 60,000 images (three epochs leave no
     * room to hold a tenth out) with Adam from 4e-3 annealed along half a cosine over the epochs: test accuracy
     * above 0.99 after 3 epochs (0.9912-0.9915 for seeds 1-3; a constant 1e-3 stops at 0.989).
     */
    public static ImageSample mnistCnn() {
        return new ImageSample("mnist-cnn", "conv 32 -> pool -> conv 64 -> pool -> dense 128 -> dropout -> 10 on the"
                + " MNIST digits (the Keras convnet); test accuracy above 0.99 after 3 epochs", DataSetSpec.MNIST,
                new ImageClassifier(new MnistCnn(128, 0.5), 0, true), new TrainingSettings(3, 128, 4e-3, 1, null));
    }

    /**
     * A small residual network on Fashion-MNIST, Adam from 2e-3 annealed along half a cosine (which also lets batch
     * normalisation's running statistics settle on the final weights): test accuracy above 0.91.
     */
    public static ImageSample fashionCnn() {
        return new ImageSample("fashion-cnn", "residual CNN (conv stem, residual blocks with batch normalisation,"
                + " global average pooling) on Fashion-MNIST; test accuracy above 0.91", DataSetSpec.FASHION_MNIST,
                new ImageClassifier(new ResidualCnn(16, 2, 1), ImageClassifier.VALIDATION_SPLIT, true),
                new TrainingSettings(10, 128, 2e-3, 1, null));
    }

    /**
     * MNIST read row by row: 28 steps of 28 pixels through an LSTM of 128 units, batch 128, Adam from 2e-3 annealed
     * along half a cosine over all 60,000 images: test accuracy above 0.98.
     */
    public static ImageSample mnistLstm() {
        return new ImageSample("mnist-lstm", "LSTM 128 -> 10 on the MNIST digits read row by row (28 steps of 28"
                + " pixels); test accuracy above 0.98", DataSetSpec.MNIST,
                new ImageClassifier(new RowLstm(128), 0, true), new TrainingSettings(5, 128, 2e-3, 1, null));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public TrainingSettings defaults() {
        return defaults;
    }

    @Override
    public SampleResult train(Backend backend, TrainingSettings settings) {
        MnistData data = MnistData.load(dataSet, settings.dataDirectory());
        List<Callback> callbacks = ProgressBar.isTerminal()
                ? List.of(new ProgressBar(System.out, classifier.trainingSamples(data.train().size())))
                : List.of();
        ImageClassifier.Result result = classifier.train(backend, data, settings.epochs(),
                settings.batchSize(), settings.learningRate(), settings.seed(), callbacks, settings.storage());
        return new SampleResult(result.history(), result.parameters(), result.test(), Map.of());
    }
}
