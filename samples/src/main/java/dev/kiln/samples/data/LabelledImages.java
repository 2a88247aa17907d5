package dev.kiln.samples.data;

import dev.kiln.KilnException;
import dev.kiln.data.idx.IdxArray;
import dev.kiln.data.idx.IdxReader;
import java.nio.file.Path;

/**
 * Grey-scale images with one class label each, pixels scaled to [0, 1].
 *
 * @param pixels row-major {@code [count, height, width]}
 * @param labels class index per image
 * @param height pixel rows per image
 * @param width pixel columns per image
 */
public record LabelledImages(float[] pixels, int[] labels, int height, int width) {

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** Reads {@code set} from {@code directory}, checking that images and labels agree and every label is a class. */
    public static LabelledImages read(Path directory, DataSetSpec.ImageSet set, int classes) {
        Path imageFile = DirectorySource.find(directory, set.images().name());
        Path labelFile = DirectorySource.find(directory, set.labels().name());
        if (imageFile == null || labelFile == null) {
            throw new KilnException(directory + " lacks " + set.images().name() + " or " + set.labels().name());
        }
        IdxArray images = IdxReader.read(imageFile);
        IdxArray labels = IdxReader.read(labelFile);
        int[] dims = images.header().dimensions();
        if (dims.length != 3 || labels.header().dimensions().length != 1 || labels.header().count() != dims[0]) {
            throw new KilnException(imageFile + " holds " + images.header() + " and " + labelFile + " holds "
                    + labels.header() + ", expected [n, rows, columns] images and [n] labels");
        }
        int[] classIndices = labels.toInts();
        for (int i = 0; i < classIndices.length; i++) {
            if (classIndices[i] < 0 || classIndices[i] >= classes) {
                throw new KilnException(labelFile + ": label " + i + " is " + classIndices[i] + ", expected 0 to "
                        + (classes - 1));
            }
        }
        return new LabelledImages(images.toFloats(1 / 255f), classIndices, dims[1], dims[2]);
    }
}
