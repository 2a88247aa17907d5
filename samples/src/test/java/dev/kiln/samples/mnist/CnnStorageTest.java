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
    private static final DataSetSpec BARS = new DataSetSpec("bars",
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
        MnistData bars = MnistData.load(BARS, data);
        ImageClassifier classifier = new ImageClassifier(new MnistCnn(8));
        Path checkpoints = dir.resolve("checkpoints");
        try (Backend backend = new CpuBackend()) {
            classifier.train(backend, bars, 2, 32, 5e-3, 3, List.of(),
                    new ModelStorage(null, checkpoints, null));
            classifier.train(backend, bars, 4, 32, 5e-3, 3, List.of(),
                    new ModelStorage(dir.resolve("resumed"), checkpoints, checkpoints));
            ImageClassifier.Result straight = classifier.train(backend, bars, 4, 32, 5e-3, 3, List.of(),
                    new ModelStorage(dir.resolve("straight"), null, null));
            assertTrue(straight.test().metric("accuracy") >= 0.9, "test " + straight.test());
            assertEquals(0, backend.liveBuffers());
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("straight/weights.safetensors")),
                Files.readAllBytes(dir.resolve("resumed/weights.safetensors")),
                "dropout masks, Adam's state and the shuffling resume exactly");

        Path images = data.resolve("test-images");
        CommandRun predict = CommandRun.of("predict", "--model", dir.resolve("straight").toString(), "--input",
                images.toString(), "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, predict.exitCode(), predict.err());
        List<String> lines = predict.out().lines().toList();
        assertEquals(65, lines.size(), "a header and one line per test image");
        assertTrue(lines.get(0).endsWith(",class"), lines.get(0));

        Path metrics = dir.resolve("metrics.json");
        CommandRun evaluate = CommandRun.of("evaluate", "--model", dir.resolve("straight").toString(), "--data",
                images.toString(), "--labels", data.resolve("test-labels").toString(), "--output", metrics.toString(),
                "--backend", "cpu");
        assertEquals(ExitCodes.SUCCESS, evaluate.exitCode(), evaluate.err());
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        assertEquals(64, json.get("samples").intValue());
        assertTrue(json.get("accuracy").doubleValue() >= 0.9, json.toString());
    }

    /** Images with one bright horizontal (label 0) or vertical (label 1) bar at a random place. */
    private static void write(Path data, String prefix, int count, SplittableRandom random) throws IOException {
        double[] pixels = new double[count * SIDE * SIDE];
        double[] labels = new double[count];
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(2);
            int at = random.nextInt(SIDE);
            labels[i] = label;
            for (int p = 0; p < SIDE * SIDE; p++) {
                boolean bar = label == 0 ? p / SIDE == at : p % SIDE == at;
                pixels[i * SIDE * SIDE + p] = bar ? 180 + random.nextInt(70) : random.nextInt(90);
            }
        }
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count, SIDE, SIDE}, pixels),
                data.resolve(prefix + "-images"));
        IdxWriter.write(IdxArray.of(IdxType.UNSIGNED_BYTE, new int[] {count}, labels),
                data.resolve(prefix + "-labels"));
    }
}
