package dev.kiln.samples.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.backend.Backend;
import dev.kiln.cpu.CpuBackend;
import dev.kiln.data.idx.IdxArray;
import dev.kiln.data.idx.IdxType;
import dev.kiln.data.idx.IdxWriter;
import dev.kiln.samples.ModelStorage;
import dev.kiln.samples.cli.CommandRun;
import dev.kiln.samples.commandline.ExitCodes;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.samples.data.IdxFileSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A convolutional sample checkpoints, resumes to the weights of a straight run, and is predicted and evaluated. */
class CnnStorageTest {
    private static final int SIDE = 12;
    private static final DataSetSpec QUADRANTS = new DataSetSpec("quadrants",
            new DataSetSpec.ImageSet(IdxFileSpec.bytes("train-images", 256, SIDE, SIDE),
                    IdxFileSpec.bytes("train-labels", 256)),
            new DataSetSpec.ImageSet(IdxFileSpec.bytes("test-images", 64, SIDE, SIDE),
                    IdxFileSpec.bytes("test-labels", 64)),
            List.of(), List.of(), null, null, null);

    @TempDir
    Path dir;

    @Test
    void checkpointsResumesPredictsAndEvaluates() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        SplittableRandom random = new SplittableRandom(9);
        write(data, "train", 256, random);
        write(data, "test", 64, random);
        MnistData quadrants = MnistData.load(QUADRANTS, data);
        ImageClassifier classifier = new ImageClassifier(new MnistCnn(8, 0.5));
        Path checkpoints = dir.resolve("checkpoints");
        try (Backend backend = new CpuBackend()) {
            classifier.train(backend, quadrants, 3, 16, 5e-3, 3, List.of(),
                    new ModelStorage(null, checkpoints, null));
            classifier.train(backend, quadrants, 5, 16, 5e-3, 3, List.of(),
                    new ModelStorage(dir.resolve("resumed"), checkpoints, checkpoints));
            ImageClassifier.Result straight = classifier.train(backend, quadrants, 5, 16, 5e-3, 3, List.of(),
                    new ModelStorage(dir.resolve("straight"), null, null));
            assertTrue(straight.test().metric("accuracy") >= 0.9, "test " + straight.test());
            assertEquals(0, backend.liveBuffers());
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("straight/weights.safetensors")),
                Files.readAllBytes(dir.resolve("resumed/weights.safetensors")),
                "dropout masks, Adam's state and the shuffling resume exactly");

        // named as MNIST's files are, which is how the commands tell IDX from CSV
        Path images = Files.copy(data.resolve("test-images"), dir.resolve("t10k-images-idx3-ubyte"));
        Path labels = Files.copy(data.resolve("test-labels"), dir.resolve("t10k-labels-idx1-ubyte"));
        CommandRun predict = CommandRun.of("predict", "--model", dir.resolve("straight").toString(), "--input",
                images.toString(), "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, predict.exitCode(), predict.err());
        List<String> lines = predict.out().lines().toList();
        assertEquals(65, lines.size(), "a header and one line per test image");
        assertTrue(lines.get(0).endsWith(",class"), lines.get(0));

        Path metrics = dir.resolve("metrics.json");
        CommandRun evaluate = CommandRun.of("evaluate", "--model", dir.resolve("straight").toString(), "--data",
                images.toString(), "--labels", labels.toString(), "--output", metrics.toString(),
                "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, evaluate.exitCode(), evaluate.err());
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        assertEquals(64, json.get("samples").intValue());
        assertTrue(json.get("accuracy").doubleValue() >= 0.9, json.toString());
    }

    /** Noisy images whose bright quadrant (0-3) is the label. */
    private static void write(Path data, String prefix, int count, SplittableRandom random) throws IOException {
        double[] pixels = new double[count * SIDE * SIDE];
        double[] labels = new double[count];
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(4);
            labels[i] = label;
            for (int p = 0; p < SIDE * SIDE; p++) {
                boolean bright = (p / SIDE / (SIDE / 2)) * 2 + p % SIDE / (SIDE / 2) == label;
                pixels[i * SIDE * SIDE + p] = bright ? 150 + random.nextInt(100) : random.nextInt(120);
            }
        }
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count, SIDE, SIDE}, pixels),
                data.resolve(prefix + "-images"));
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count}, labels),
                data.resolve(prefix + "-labels"));
    }
}
