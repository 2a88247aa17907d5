package dev.kiln.samples.data;

import dev.kiln.data.idx.IdxArray;
import dev.kiln.data.idx.IdxType;
import dev.kiln.data.idx.IdxWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** A tiny image data set in the layout of MNIST, written on demand. */
final class TinySets {
    static final DataSetSpec.ImageSet TRAIN = new DataSetSpec.ImageSet(
            IdxFileSpec.bytes("train-images", 3, 2, 2), IdxFileSpec.bytes("train-labels", 3));
    static final DataSetSpec.ImageSet TEST = new DataSetSpec.ImageSet(
            IdxFileSpec.bytes("test-images", 2, 2, 2), IdxFileSpec.bytes("test-labels", 2));

    private TinySets() {
    }

    static DataSetSpec spec(List<URI> mirrors) {
        return new DataSetSpec("tiny", TRAIN, TEST, mirrors, List.of(), null, "tiny-data@1.0.0", "package/data/");
    }

    /** Writes the four files into {@code dir}, gzip-compressed when {@code suffix} is ".gz". */
    static void write(Path dir, String suffix) {
        IdxWriter.write(images(3, 0), dir.resolve("train-images" + suffix));
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {3}, 0, 1, 2),
                dir.resolve("train-labels" + suffix));
        IdxWriter.write(images(2, 100), dir.resolve("test-images" + suffix));
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {2}, 2, 1), dir.resolve("test-labels" + suffix));
    }

    private static IdxArray images(int count, int offset) {
        double[] pixels = new double[count * 4];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (offset + 17 * i) % 256;
        }
        return IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count, 2, 2}, pixels);
    }
}
