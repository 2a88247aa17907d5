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

class ImageMlpTest {
    private static final DataSetSpec QUADRANTS = new DataSetSpec("quadrants",
            new DataSetSpec.ImageSet(IdxFileSpec.bytes("train-images", 400, 4, 4),
                    IdxFileSpec.bytes("train-labels", 400)),
            new DataSetSpec.ImageSet(IdxFileSpec.bytes("test-images", 100, 4, 4),
                    IdxFileSpec.bytes("test-labels", 100)),
            List.of(), List.of(), null, null, null);

    @TempDir
    Path data;

    @Test
    void learnsWhichQuadrantIsBrightFromIdxFilesInTheDataDirectory() {
        SplittableRandom random = new SplittableRandom(3);
        write("train", 400, random);
        write("test", 100, random);
        MnistData loaded = MnistData.load(QUADRANTS, data);
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

    /** Images whose bright 2 x 2 quadrant (noisy) is the label 0-3. */
    private void write(String prefix, int count, SplittableRandom random) {
        double[] pixels = new double[count * 16];
        double[] labels = new double[count];
        for (int i = 0; i < count; i++) {
            int quadrant = random.nextInt(4);
            labels[i] = quadrant;
            for (int p = 0; p < 16; p++) {
                int row = p / 4;
                int col = p % 4;
                boolean bright = (row / 2) * 2 + col / 2 == quadrant;
                pixels[i * 16 + p] = bright ? 150 + random.nextInt(100) : random.nextInt(120);
            }
        }
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count, 4, 4}, pixels),
                data.resolve(prefix + "-images"));
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count}, labels),
                data.resolve(prefix + "-labels"));
    }
}
