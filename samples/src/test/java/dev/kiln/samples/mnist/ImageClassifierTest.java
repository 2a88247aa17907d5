package dev.kiln.samples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.cpu.CpuBackend;
import dev.kiln.data.idx.IdxArray;
import dev.kiln.data.idx.IdxType;
import dev.kiln.data.idx.IdxWriter;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.samples.data.IdxFileSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each image architecture learns which quadrant of noisy gray images is bright, from IDX files. */
class ImageClassifierTest {
    private static DataSetSpec quadrants(int side) {
        return new DataSetSpec("quadrants",
                new DataSetSpec.ImageSet(IdxFileSpec.bytes("train-images", 400, side, side),
                        IdxFileSpec.bytes("train-labels", 400)),
                new DataSetSpec.ImageSet(IdxFileSpec.bytes("test-images", 100, side, side),
                        IdxFileSpec.bytes("test-labels", 100)),
                List.of(), List.of(), null, null, null);
    }

    @TempDir
    Path data;

    @Test
    void learnsWhichQuadrantIsBrightFromIdxFilesInTheDataDirectory() {
        SplittableRandom random = new SplittableRandom(3);
        write("train", 400, 4, random);
        write("test", 100, 4, random);
        MnistData loaded = MnistData.load(quadrants(4), data);
        assertEquals(400, loaded.train().size());

        ImageClassifier.Result result;
        try (Backend backend = new CpuBackend()) {
            result = new ImageClassifier(new ImageMlp(16)).train(backend, loaded, 15, 16, 1e-2, 5, List.of());
            assertEquals(0, backend.liveBuffers());
        }
        assertEquals(15, result.history().epochs().size());
        assertTrue(result.history().last().values().containsKey("val_accuracy"), "a validation split is held out");
        assertEquals(16 * 16 + 16 + 16 * 10 + 10, result.parameters());
        assertTrue(result.test().metric("accuracy") >= 0.95, "test " + result.test());
    }

    @Test
    void theKerasConvnetLearnsTheQuadrants() {
        ImageClassifier.Result result = trainOn(12, new MnistCnn(16, 0.5), 6);
        // conv 3x3x1x32 + conv 3x3x32x64 + dense 64x16 + dense 16x10 (MNIST's classes), each with its bias
        assertEquals(320 + 18_496 + 64 * 16 + 16 + 16 * 10 + 10, result.parameters());
        assertTrue(result.test().metric("accuracy") >= 0.95, "test " + result.test());
    }

    @Test
    void theResidualNetworkLearnsTheQuadrantsAndShowsItsSkipConnections() {
        // With four filters the held-out accuracy still climbs at 6 epochs (0.93 from some initial weights); 8 settle.
        ImageClassifier.Result result = trainOn(12, new ResidualCnn(4, 2, 1), 8);
        assertTrue(result.test().metric("accuracy") >= 0.95, "test " + result.test());
        for (String add : new String[] {"add_1", "add_2"}) {
            String row = result.summary().lines().filter(line -> line.startsWith(add + " ")).findFirst().orElse("");
            // the skip connection: the block's input and its last batch normalisation both feed the Add
            assertTrue(row.contains("(Add)") && row.matches(".*\\S+, batch_normalization_\\d+\\s*"), row);
        }
        assertTrue(result.summary().contains("global_average_pooling2d"), result.summary());
    }

    private ImageClassifier.Result trainOn(int side, ImageArchitecture architecture, int epochs) {
        SplittableRandom random = new SplittableRandom(4);
        write("train", 400, side, random);
        write("test", 100, side, random);
        MnistData loaded = MnistData.load(quadrants(side), data);
        try (Backend backend = new CpuBackend()) {
            ImageClassifier.Result result = new ImageClassifier(architecture).train(backend, loaded, epochs, 16, 5e-3,
                    5, List.of());
            assertEquals(0, backend.liveBuffers());
            return result;
        }
    }

    /** Images whose bright 2 x 2 quadrant (noisy) is the label 0-3. */
    private void write(String prefix, int count, int side, SplittableRandom random) {
        int area = side * side;
        double[] pixels = new double[count * area];
        double[] labels = new double[count];
        for (int i = 0; i < count; i++) {
            int quadrant = random.nextInt(4);
            labels[i] = quadrant;
            for (int p = 0; p < area; p++) {
                int row = p / side;
                int col = p % side;
                boolean bright = (row / (side / 2)) * 2 + col / (side / 2) == quadrant;
                pixels[i * area + p] = bright ? 150 + random.nextInt(100) : random.nextInt(120);
            }
        }
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count, side, side}, pixels),
                data.resolve(prefix + "-images"));
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count}, labels),
                data.resolve(prefix + "-labels"));
    }
}
