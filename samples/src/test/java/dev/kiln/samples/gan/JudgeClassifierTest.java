package dev.kiln.samples.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.cpu.CpuBackend;
import dev.kiln.data.ArrayDataset;
import dev.kiln.data.preprocess.Labels;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.io.SavedModel;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.model.Model;
import dev.kiln.samples.mnist.MnistData;
import dev.kiln.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgeClassifierTest {
    private static final int AREA = DigitJudge.SIDE * DigitJudge.SIDE;

    private final Backend backend = new CpuBackend();

    @TempDir
    Path dir;

    @AfterEach
    void noDeviceMemoryLeftBehind() {
        assertEquals(0, backend.liveBuffers(), "every loaded classifier is closed, also when it is refused");
        backend.close();
    }

    @Test
    void aSavedClassifierJudgesWithTheInputScalingSavedWithIt() {
        Path saved = dir.resolve("classifier");
        double[] byteRange = new double[AREA];
        Arrays.fill(byteRange, 255);
        // what ImageClassifier saves: bytes 0-255 scaled to [0, 1]
        Standardization bytes = new Standardization(Standardization.Method.MIN_MAX, new double[AREA], byteRange);
        save(DigitModels.digitReader(backend), bytes, saved);

        try (DigitJudge judge = JudgeClassifier.load(saved, backend)) {
            DigitJudge.Verdict verdict = judge.judge(DigitModels.digits(new int[] {4, 4, 9, 0}, 0));
            assertArrayEquals(new double[] {0.25, 0, 0, 0, 0.5, 0, 0, 0, 0, 0.25}, verdict.classShares());
            assertEquals(Math.exp(5) / (Math.exp(5) + 9), verdict.confidence(), 1e-6, "mid gray reaches the"
                    + " classifier as 0.5");
        }
    }

    @Test
    void aSavedModelThatIsNoDigitClassifierIsRefusedNamingItsDirectory() {
        Path small = dir.resolve("small");
        save(DigitModels.pixelReader(backend, 14, 10, ActivationFunction.SOFTMAX), null, small);
        assertRefused(small, "28 x 28");

        Path fourWay = dir.resolve("four-way");
        save(DigitModels.pixelReader(backend, 28, 4, ActivationFunction.SOFTMAX), null, fourWay);
        assertRefused(fourWay, "10 class probabilities");

        Path logits = dir.resolve("logits");
        save(DigitModels.pixelReader(backend, 28, 10, ActivationFunction.LINEAR), null, logits);
        assertRefused(logits, "does the model end in a softmax?");

        assertRefused(dir.resolve("missing"), "not a directory");
    }

    @Test
    void trainingSavesAClassifierThatALaterRunLoads() {
        Path saved = dir.resolve("trained");
        MnistData bars = new MnistData(bars(600, new SplittableRandom(1)), bars(200, new SplittableRandom(2)), 10);

        int[] digits = {0, 3, 5, 9, 9};
        try (DigitJudge judge = JudgeClassifier.train(backend, bars, 2, 4, saved)) {
            DigitJudge.Verdict verdict = judge.judge(barImages(digits), digits);
            assertEquals(1.0, verdict.labelAgreement().orElseThrow(), "the trained classifier reads the bars");
        }
        assertTrue(Files.isRegularFile(saved.resolve("model.json")), "the classifier is saved");
        try (DigitJudge again = JudgeClassifier.load(saved, backend)) {
            assertEquals(1.0, again.judge(barImages(digits), digits).labelAgreement().orElseThrow());
        }
    }

    @Test
    void trainingRefusesImagesThatAreNotMnistDigits() {
        ArrayDataset small = ArrayDataset.of(new float[16], Shape.of(4, 4), Labels.oneHot(new int[] {1}, 10),
                Shape.of(10));
        KilnException e = assertThrows(KilnException.class,
                () -> JudgeClassifier.train(backend, new MnistData(small, small, 10), 1, 1, dir.resolve("x")));
        assertTrue(e.getMessage().contains("got images of [4, 4]"), e.getMessage());
    }

    private void assertRefused(Path saved, String reason) {
        KilnException e = assertThrows(KilnException.class, () -> JudgeClassifier.load(saved, backend));
        assertTrue(e.getMessage().contains(saved.toString()) && e.getMessage().contains(reason), e.getMessage());
    }

    private static void save(Model model, Standardization normalization, Path directory) {
        try (model) {
            SavedModel.save(model, normalization, null, directory);
        }
    }

    /** Images in [0, 1] whose label is the one of ten 2-pixel-high horizontal bars that is bright, with noise. */
    private static ArrayDataset bars(int count, SplittableRandom random) {
        float[] pixels = new float[count * AREA];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = random.nextInt(10);
            for (int p = 0; p < AREA; p++) {
                boolean bright = p / DigitJudge.SIDE / 2 == labels[i] + 2;
                pixels[i * AREA + p] = (float) (bright ? 0.6 + 0.4 * random.nextDouble() : 0.3 * random.nextDouble());
            }
        }
        return ArrayDataset.of(pixels, Shape.of(DigitJudge.SIDE, DigitJudge.SIDE), Labels.oneHot(labels, 10),
                Shape.of(10));
    }

    /** Noise-free tanh images of the bars of {@code digits}. */
    private static GrayImages barImages(int[] digits) {
        double[] pixels = new double[digits.length * AREA];
        for (int i = 0; i < digits.length; i++) {
            for (int p = 0; p < AREA; p++) {
                pixels[i * AREA + p] = p / DigitJudge.SIDE / 2 == digits[i] + 2 ? 1 : -1;
            }
        }
        return new GrayImages(pixels, digits.length, DigitJudge.SIDE, DigitJudge.SIDE, PixelRange.TANH);
    }
}
