package dev.kiln.samples.gan;

import dev.kiln.data.ArrayDataset;
import dev.kiln.samples.data.DataFetcher;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.samples.data.LabelledImages;
import dev.kiln.tensor.Shape;
import java.nio.file.Path;

/**
 * The MNIST training digits as a GAN sees them: pixels scaled to [-1, 1], the range of the generator's tanh, in a
 * per-image shape of the caller's choice, and the digit of each image as a class index of shape [1] (the label input
 * of a conditional GAN).
 */
final class GanDigits {
    static final int CLASSES = 10;
    static final int SIDE = 28;

    private GanDigits() {
    }

    /** Fetches MNIST into {@code dataRoot} (null: the default) if needed; {@code imageShape} holds 784 elements. */
    static ArrayDataset load(Path dataRoot, Shape imageShape) {
        DataSetSpec spec = DataSetSpec.MNIST;
        Path directory = DataFetcher.standard(spec).ensure(spec, DataFetcher.dataRoot(dataRoot));
        LabelledImages images = LabelledImages.read(directory, spec.train(), CLASSES);
        float[] pixels = images.pixels().clone();
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = 2 * pixels[i] - 1;
        }
        return ArrayDataset.builder().features("image", pixels, imageShape)
                .labels("label", images.labels(), Shape.of(1)).build();
    }
}
