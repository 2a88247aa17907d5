package dev.kiln.samples.mnist;

import dev.kiln.data.ArrayDataset;
import dev.kiln.data.preprocess.Labels;
import dev.kiln.samples.data.DataFetcher;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.samples.data.LabelledImages;
import dev.kiln.tensor.Shape;
import java.nio.file.Path;

/**
 * An MNIST-layout data set loaded for training: images as {@code [28, 28]} floats in [0, 1], labels one-hot.
 *
 * @param train the training images
 * @param test the test images
 * @param classes number of classes
 */
public record MnistData(ArrayDataset train, ArrayDataset test, int classes) {
    private static final int CLASSES = 10;

    /** Fetches {@code spec} into {@code dataRoot} (the default data directory when null) if needed, and loads it. */
    public static MnistData load(DataSetSpec spec, Path dataRoot) {
        Path directory = DataFetcher.standard(spec).ensure(spec, DataFetcher.dataRoot(dataRoot));
        return new MnistData(dataset(LabelledImages.read(directory, spec.train(), CLASSES)),
                dataset(LabelledImages.read(directory, spec.test(), CLASSES)), CLASSES);
    }

    private static ArrayDataset dataset(LabelledImages images) {
        return ArrayDataset.of(images.pixels(), Shape.of(images.height(), images.width()),
                Labels.oneHot(images.labels(), CLASSES), Shape.of(CLASSES));
    }
}
