package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.ArrayDataset;
import dev.kiln.data.preprocess.Labels;
import dev.kiln.samples.mnist.ImageClassifier;
import dev.kiln.samples.mnist.ImageMlp;
import dev.kiln.tensor.Shape;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EpochTimerTest {

    @Test
    void theHookRunsAfterEachTimedEpochAndNotAfterTheWarmUp() {
        ArrayDataset data = tinyData();
        int[] calls = new int[1];
        try (Backend cpu = Backends.select("cpu")) {
            double[] seconds = EpochTimer.epochSeconds(new ImageClassifier(new ImageMlp(8)), cpu, data, 10, 8, 2, 3,
                    () -> calls[0]++);
            assertEquals(3, seconds.length);
            assertEquals(3, calls[0], "one call per timed epoch, none for the two warm-up epochs");
        }
    }

    /**
     * The fit builds and initialises the model and checks the data before the epoch, and the model is freed after
     * it: none of it is profiled.
     */
    @Test
    void theProfiledEpochHoldsItsStepsAndNothingOfTheFitAroundThem() {
        ArrayDataset data = tinyData();
        try (Backend cpu = Backends.select("cpu")) {
            ProfilingBackend profiled = new ProfilingBackend(cpu);
            ImageClassifier classifier = new ImageClassifier(new ImageMlp(8));
            OpProfile profile = EpochTimer.profiledEpoch(classifier, profiled, data, 10, 8, 0);
            Map<String, ProfilingBackend.OpTime> times = profile.times();
            assertTrue(profile.epochSeconds() > 0, profile.toString());
            assertEquals(5, times.get("updateGroup ADAM").calls(), "one update per step of 8 of the 40 samples");
            assertEquals(10, times.get("upload").calls(), "the features and the labels of each step");
            assertFalse(times.containsKey("random UNIFORM"), "the weights are drawn before the epoch: " + times);
            assertTrue(times.get("free").calls() <= times.get("allocate").calls(),
                    "only buffers of the epoch are freed in it; the model's are freed after it: " + times);
        }
    }

    /** 40 random 4x4 images with one-hot labels of 10 classes. */
    private static ArrayDataset tinyData() {
        SplittableRandom random = new SplittableRandom(3);
        int count = 40;
        float[] pixels = new float[count * 16];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = random.nextInt(10);
            for (int p = 0; p < 16; p++) {
                pixels[i * 16 + p] = (float) random.nextDouble();
            }
        }
        return ArrayDataset.of(pixels, Shape.of(4, 4), Labels.oneHot(labels, 10), Shape.of(10));
    }
}
