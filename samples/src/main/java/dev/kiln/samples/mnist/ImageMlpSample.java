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
 * The Keras MNIST MLP as a sample, on MNIST or Fashion-MNIST: the data set is fetched on first use, the model
 * trained with a tenth held out for validation, then scored on the test images.
 */
public final class ImageMlpSample implements Sample {
    private final String name;
    private final String description;
    private final DataSetSpec dataSet;
    private final int hidden;

    private ImageMlpSample(String name, String description, DataSetSpec dataSet, int hidden) {
        this.name = name;
        this.description = description;
        this.dataSet = dataSet;
        this.hidden = hidden;
    }

    /** 784-128-10 on the MNIST digits: the Keras example, test accuracy about 0.975-0.98 after 10 epochs. */
    public static ImageMlpSample mnist() {
        return new ImageMlpSample("mnist-mlp", "784-128-10 MLP on the MNIST digits (the Keras example); test"
                + " accuracy about 0.975 after 10 epochs", DataSetSpec.MNIST, 128);
    }

    /** 784-256-10 on Fashion-MNIST, test accuracy about 0.88 after 10 epochs. */
    public static ImageMlpSample fashion() {
        return new ImageMlpSample("fashion-mlp", "784-256-10 MLP on Fashion-MNIST clothing images; test accuracy"
                + " about 0.88 after 10 epochs", DataSetSpec.FASHION_MNIST, 256);
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
        return new TrainingSettings(10, 32, 1e-3, 1, null);
    }

    @Override
    public SampleResult train(Backend backend, TrainingSettings settings) {
        MnistData data = MnistData.load(dataSet, settings.dataDirectory());
        List<Callback> callbacks = ProgressBar.isTerminal()
                ? List.of(new ProgressBar(System.out, ImageMlp.trainingSamples(data.train().size())))
                : List.of();
        ImageMlp.Result result = new ImageMlp(hidden).train(backend, data, settings.epochs(), settings.batchSize(),
                settings.learningRate(), settings.seed(), callbacks, settings.storage());
        return new SampleResult(result.history(), result.parameters(), result.test(), Map.of());
    }
}
