package dev.kiln.samples.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.cpu.CpuBackend;
import dev.kiln.data.preprocess.Standardization;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.model.Model;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DigitJudgeTest {
    private final Backend backend = new CpuBackend();

    @AfterEach
    void noDeviceMemoryLeftBehind() {
        assertEquals(0, backend.liveBuffers(), "the judge and its batches free every tensor");
        backend.close();
    }

    @Test
    void aThousandImagesAreJudgedAcrossBatches() {
        SplittableRandom random = new SplittableRandom(8);
        int[] drawn = random.ints(1_000, 0, 10).toArray();
        double[] expectedShares = new double[10];
        Arrays.stream(drawn).forEach(d -> expectedShares[d] += 1.0 / drawn.length);
        int[] requested = drawn.clone();
        for (int i = 0; i < 300; i++) {
            requested[i] = (drawn[i] + 1) % 10;
        }

        DigitJudge.Verdict verdict;
        try (DigitJudge judge = new DigitJudge(DigitModels.digitReader(backend), null)) {
            verdict = judge.judge(DigitModels.digits(drawn, 1), requested);
        }

        assertEquals(1_000, verdict.images());
        assertArrayEquals(expectedShares, verdict.classShares(), 1e-12);
        assertEquals(0.7, verdict.labelAgreement().orElseThrow(), 1e-12);
        // the lit pixel's class has logit 10, the other nine logit 0
        double sure = Math.exp(10) / (Math.exp(10) + 9);
        assertEquals(sure, verdict.confidence(), 1e-6);
    }

    @Test
    void generatorValuesAreRescaledToThePixelsTheClassifierWasTrainedOn() {
        int[] digits = {3, 7};
        // tanh 0 is mid gray: 0.5 in MnistData's [0, 1], so its class gets logit 5
        try (DigitJudge judge = new DigitJudge(DigitModels.digitReader(backend), null)) {
            DigitJudge.Verdict verdict = judge.judge(DigitModels.digits(digits, 0));
            assertEquals(Math.exp(5) / (Math.exp(5) + 9), verdict.confidence(), 1e-6);
            assertEquals(0.5, verdict.classShares()[3]);
            assertFalse(verdict.labelAgreement().isPresent(), "no digits were requested");
        }
        // a classifier saved with bytes scaled to [-1, 1]: mid gray is 0 and black -1, so the lit class has logit 0
        // and the nine others -10
        double[] half = new double[DigitJudge.SIDE * DigitJudge.SIDE];
        Arrays.fill(half, 127.5);
        Standardization centred = new Standardization(Standardization.Method.Z_SCORE, half, half);
        try (DigitJudge judge = new DigitJudge(DigitModels.digitReader(backend), centred)) {
            assertEquals(1 / (1 + 9 * Math.exp(-10)), judge.judge(DigitModels.digits(digits, 0)).confidence(), 1e-6);
        }
    }

    @Test
    void aClassifierThatIsNotADigitSoftmaxIsRefused() {
        try (Model small = DigitModels.pixelReader(backend, 14, 10, ActivationFunction.SOFTMAX)) {
            KilnException e = assertThrows(KilnException.class, () -> new DigitJudge(small, null));
            assertTrue(e.getMessage().contains("28 x 28"), e.getMessage());
        }
        try (Model fourWay = DigitModels.pixelReader(backend, 28, 4, ActivationFunction.SOFTMAX)) {
            KilnException e = assertThrows(KilnException.class, () -> new DigitJudge(fourWay, null));
            assertTrue(e.getMessage().contains("outputs [[4]]"), e.getMessage());
        }
        try (DigitJudge logits = new DigitJudge(DigitModels.pixelReader(backend, 28, 10, ActivationFunction.LINEAR),
                null)) {
            KilnException e = assertThrows(KilnException.class, () -> logits.judge(DigitModels.digits(new int[] {2},
                    1)));
            assertTrue(e.getMessage().contains("does the model end in a softmax?"), e.getMessage());
        }
    }

    @Test
    void badImagesOrRequestsAreRefused() {
        try (DigitJudge judge = new DigitJudge(DigitModels.digitReader(backend), null)) {
            GrayImages twoDigits = DigitModels.digits(new int[] {1, 2}, 1);
            KilnException count = assertThrows(KilnException.class, () -> judge.judge(twoDigits, new int[] {1}));
            assertTrue(count.getMessage().startsWith("1 requested digits for 2 images"), count.getMessage());
            KilnException digit = assertThrows(KilnException.class, () -> judge.judge(twoDigits, new int[] {1, 10}));
            assertTrue(digit.getMessage().contains("image 1 is 10"), digit.getMessage());
            KilnException size = assertThrows(KilnException.class,
                    () -> judge.judge(new GrayImages(new double[16], 1, 4, 4, PixelRange.TANH)));
            assertTrue(size.getMessage().contains("got 4 x 4"), size.getMessage());
        }
    }
}
