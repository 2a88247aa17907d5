package dev.kiln.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.data.ArrayDataset;
import dev.kiln.io.CheckpointStore;
import dev.kiln.io.ModelFileException;
import dev.kiln.io.SavedModel;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Concatenate;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Embedding;
import dev.kiln.layer.Flatten;
import dev.kiln.layer.Input;
import dev.kiln.layer.SymbolicTensor;
import dev.kiln.model.Model;
import dev.kiln.optim.Adam;
import dev.kiln.optim.Optimizer;
import dev.kiln.optim.RmsProp;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GanTrainerTest {
    private static final int NOISE = 4;
    private final Backend backend = Backends.select("cpu");
    private final List<AutoCloseable> owned = new ArrayList<>();

    @TempDir
    Path temp;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : owned) {
            c.close();
        }
        backend.close();
    }

    private <T extends AutoCloseable> T own(T value) {
        owned.add(value);
        return value;
    }

    private Model generator(long seed) {
        SymbolicTensor noise = Input.of("noise", NOISE);
        SymbolicTensor hidden = new Dense(16, ActivationFunction.RELU).call(noise);
        return own(Model.on(backend, List.of(noise), List.of(new Dense(1).call(hidden))).dtype(DType.F64)
                .seed(seed));
    }

    private Model discriminator(long seed, ActivationFunction output) {
        SymbolicTensor x = Input.of("x", 1);
        SymbolicTensor hidden = new Dense(16, ActivationFunction.LEAKY_RELU).call(x);
        return own(Model.on(backend, List.of(x), List.of(new Dense(1, output).call(hidden))).dtype(DType.F64)
                .seed(seed));
    }

    private GanTrainer trainer(Model g, Model d, GanLoss loss) {
        return GanTrainer.builder(g, d).generatorOptimizer(own(new Adam(0.01)))
                .discriminatorOptimizer(own(new Adam(0.01))).loss(loss).seed(5).build();
    }

    /** {@code n} draws of N(mean, 0.5) as a one-feature data set (labels unused by an unconditional GAN). */
    private static ArrayDataset gaussian(int n, double mean, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][1];
        double[][] y = new double[n][1];
        for (double[] row : x) {
            row[0] = mean + 0.5 * random.nextGaussian();
        }
        return ArrayDataset.of(x, y);
    }

    private Tensor column(double... values) {
        return Tensor.of(backend, DType.F64, Shape.of(values.length, 1), values);
    }

    @Test
    void standardLossesFollowTheirFormulasWithSmoothingAndBothGeneratorLosses() {
        double[] real = {0.9, 0.6, 0.7};
        double[] fake = {0.2, 0.4, 0.1};
        double smoothing = 0.1;
        double expectedDiscriminator = 0;
        double nonSaturating = 0;
        double minimax = 0;
        for (int i = 0; i < 3; i++) {
            expectedDiscriminator -= ((1 - smoothing) * Math.log(real[i]) + smoothing * Math.log(1 - real[i])
                    + Math.log(1 - fake[i])) / 3;
            nonSaturating -= Math.log(fake[i]) / 3;
            minimax += Math.log(1 - fake[i]) / 3;
        }
        try (MemoryScope scope = MemoryScope.open()) {
            StandardGanLoss loss = GanLoss.standard().withLabelSmoothing(smoothing);
            assertEquals(expectedDiscriminator, loss.discriminatorLoss(column(real), column(fake)).item(), 1e-9);
            assertEquals(nonSaturating, loss.generatorLoss(column(fake)).item(), 1e-9);
            assertEquals(minimax, loss.withNonSaturating(false).generatorLoss(column(fake)).item(), 1e-9);
        }
        assertThrows(KilnException.class, () -> GanLoss.standard().withLabelSmoothing(0.5));
    }

    @Test
    void wassersteinLossesAreTheCriticsMeanDifference() {
        try (MemoryScope scope = MemoryScope.open()) {
            WassersteinLoss loss = GanLoss.wasserstein();
            assertEquals((-1.0 + 3.0) / 2 - (2.0 + 4.0) / 2,
                    loss.discriminatorLoss(column(2, 4), column(-1, 3)).item(), 1e-12);
            assertEquals(-(-1.0 + 3.0) / 2, loss.generatorLoss(column(-1, 3)).item(), 1e-12);
        }
        assertEquals(5, GanLoss.wasserstein().criticSteps());
        assertEquals(0.01, GanLoss.wasserstein().weightClip());
    }

    @Test
    void discriminatorStepsLeaveTheGeneratorAloneUntilItsTurnAndThenTheDiscriminatorIsTrainableAgain() {
        Model g = generator(1);
        Model d = discriminator(2, ActivationFunction.SIGMOID);
        GanTrainer trainer = GanTrainer.builder(g, d).generatorOptimizer(own(new Adam(0.01)))
                .discriminatorOptimizer(own(new Adam(0.01))).criticSteps(2).seed(3).build();
        Map<String, double[]> g0 = g.getWeights();
        Map<String, double[]> d0 = d.getWeights();
        try (MemoryScope scope = MemoryScope.open()) {
            GanStep first = trainer.step(column(1, 2, 3), null);
            assertFalse(first.trainedGenerator());
            assertSame(g0, g.getWeights(), true);
            assertSame(d0, d.getWeights(), false);
            Map<String, double[]> d1 = d.getWeights();
            GanStep second = trainer.step(column(1, 2, 3), null);
            assertTrue(second.trainedGenerator());
            assertSame(g0, g.getWeights(), false);
            assertSame(d1, d.getWeights(), false);
        }
        assertTrue(d.trainable());
        assertEquals(d.namedParameters().size(), d.trainableParameters().size());
        assertEquals(2, trainer.steps());
    }

    private static void assertSame(Map<String, double[]> before, Map<String, double[]> after, boolean same) {
        assertEquals(before.keySet(), after.keySet());
        for (String name : before.keySet()) {
            boolean equal = java.util.Arrays.equals(before.get(name), after.get(name));
            assertEquals(same, equal, name + (same ? " changed" : " did not change"));
        }
    }

    @Test
    void wassersteinCriticWeightsStayClipped() {
        Model g = generator(1);
        Model d = discriminator(2, ActivationFunction.LINEAR);
        GanTrainer trainer = GanTrainer.builder(g, d).generatorOptimizer(own(new RmsProp(0.05)))
                .discriminatorOptimizer(own(new RmsProp(0.05))).loss(GanLoss.wasserstein()).seed(3).build();
        try (MemoryScope scope = MemoryScope.open()) {
            for (int i = 0; i < 5; i++) {
                GanStep step = trainer.step(column(1, 2, 3, 4), null);
                assertEquals(i == 4, step.trainedGenerator(), "step " + i);
            }
        }
        for (Map.Entry<String, double[]> w : d.getWeights().entrySet()) {
            for (double v : w.getValue()) {
                assertTrue(Math.abs(v) <= 0.01 + 1e-15, w.getKey() + " holds " + v);
            }
        }
    }

    @Test
    void learnsWhereAOneDimensionalGaussianLies() {
        Model g = generator(11);
        Model d = discriminator(12, ActivationFunction.SIGMOID);
        // beta1 0.5, as GANs are usually trained (Radford et al., 2015)
        GanTrainer trainer = GanTrainer.builder(g, d).generatorOptimizer(own(new Adam(0.005, 0.5, 0.999, 1e-7)))
                .discriminatorOptimizer(own(new Adam(0.005, 0.5, 0.999, 1e-7))).seed(5).build();
        double before = mean(generated(trainer, 2000));
        List<GanEpoch> epochs = trainer.fit(gaussian(512, 3, 7), GanFitOptions.of(40, 32));
        assertEquals(40, epochs.size());
        double after = mean(generated(trainer, 2000));
        assertTrue(Math.abs(before - 3) > 1, "the generator starts far from the target: " + before);
        assertEquals(3, after, 0.3, "mean of generated samples");
        GanEpoch last = epochs.get(epochs.size() - 1);
        assertTrue(last.realScore() > 0.3 && last.realScore() < 0.7,
                "the discriminator should no longer tell real from generated: D(real) " + last.realScore());
    }

    private static double mean(double[] values) {
        return java.util.Arrays.stream(values).average().orElseThrow();
    }

    private double[] generated(GanTrainer trainer, int n) {
        try (MemoryScope scope = MemoryScope.open()) {
            return trainer.generate(trainer.noise(n, -1), null).toDoubleArray();
        }
    }

    @Test
    void aResumedRunEndsWhereTheUninterruptedOneDoesAndCheckpointsLoadAsModels() {
        ArrayDataset data = gaussian(96, -1, 8);
        GanTrainer whole = trainer(generator(1), discriminator(2, ActivationFunction.SIGMOID), GanLoss.standard());
        List<GanEpoch> all = whole.fit(data, GanFitOptions.of(3, 32));

        Path checkpoints = temp.resolve("checkpoints");
        GanTrainer interrupted = trainer(generator(1), discriminator(2, ActivationFunction.SIGMOID),
                GanLoss.standard());
        interrupted.fit(data, GanFitOptions.of(2, 32).withCheckpoints(checkpoints, 3));
        assertEquals(2, new CheckpointStore(checkpoints).list().size());

        Model g = generator(1);
        Model d = discriminator(2, ActivationFunction.SIGMOID);
        GanTrainer resumed = trainer(g, d, GanLoss.standard());
        List<GanEpoch> rest = resumed.fit(data, GanFitOptions.of(3, 32).withResume(checkpoints));
        assertEquals(1, rest.size());
        assertEquals(3, rest.get(0).epoch());
        assertEquals(all.get(2).discriminatorLoss(), rest.get(0).discriminatorLoss(), 0);
        assertEquals(all.get(2).generatorLoss(), rest.get(0).generatorLoss(), 0);
        assertEquals(whole.steps(), resumed.steps());
        Map<String, double[]> expected = whole.generator().getWeights();
        expected.forEach((name, values) -> assertArrayEquals(values, g.getWeights(name), name));
        whole.discriminator().getWeights().forEach((name, values) -> assertArrayEquals(values, d.getWeights(name),
                name));

        Path latest = new CheckpointStore(checkpoints).latestComplete().orElseThrow().directory();
        try (Model loaded = SavedModel.load(latest.resolve("generator"), backend).model()) {
            assertEquals(1, loaded.outputs().size());
        }
        GanTrainer again = trainer(generator(1), discriminator(2, ActivationFunction.SIGMOID), GanLoss.standard());
        KilnException over = assertThrows(KilnException.class,
                () -> again.fit(data, GanFitOptions.of(2, 32).withResume(latest)));
        assertTrue(over.getMessage().contains("already trained all 2 epochs"), over.getMessage());
    }

    @Test
    void resumingRefusesACheckpointOfOtherModelsOrAMissingMember() throws Exception {
        ArrayDataset data = gaussian(64, 0, 9);
        Path checkpoints = temp.resolve("c");
        trainer(generator(1), discriminator(2, ActivationFunction.SIGMOID), GanLoss.standard())
                .fit(data, GanFitOptions.of(1, 32).withCheckpoints(checkpoints, 1));
        SymbolicTensor noise = Input.of("noise", NOISE);
        Model wider = own(Model.on(backend, List.of(noise), List.of(new Dense(1).call(
                new Dense(32, ActivationFunction.RELU).call(noise)))).dtype(DType.F64));
        GanTrainer other = trainer(wider, discriminator(2, ActivationFunction.SIGMOID), GanLoss.standard());
        KilnException e = assertThrows(KilnException.class,
                () -> other.fit(data, GanFitOptions.of(2, 32).withResume(checkpoints)));
        assertTrue(e.getMessage().contains("differ"), e.getMessage());

        Path latest = new CheckpointStore(checkpoints).latestComplete().orElseThrow().directory();
        try (var files = Files.walk(latest.resolve("discriminator"))) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        GanTrainer same = trainer(generator(1), discriminator(2, ActivationFunction.SIGMOID), GanLoss.standard());
        ModelFileException missing = assertThrows(ModelFileException.class,
                () -> same.fit(data, GanFitOptions.of(2, 32).withResume(latest)));
        assertTrue(missing.getMessage().contains("'discriminator'"), missing.getMessage());
    }

    @Test
    void aConditionalGanFeedsTheLabelsToBothModels() {
        Model g = conditionalGenerator();
        Model d = conditionalDiscriminator();
        GanTrainer trainer = GanTrainer.builder(g, d).generatorOptimizer(own(new Adam(0.01)))
                .discriminatorOptimizer(own(new Adam(0.01))).conditional(true).build();
        double[] generatorEmbedding = g.getWeights().entrySet().stream()
                .filter(w -> w.getKey().contains("embedding")).findFirst().orElseThrow().getValue();
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor labels = Tensor.of(backend, DType.F64, Shape.of(4, 1), 0, 1, 2, 1);
            GanStep step = trainer.step(column(1, 2, 3, 4), labels);
            assertTrue(step.trainedGenerator());
            assertThrows(KilnException.class, () -> trainer.step(column(1, 2), null));
            assertEquals(4, trainer.generate(trainer.noise(4, -1), labels).shape().dim(0));
        }
        double[] after = g.getWeights().entrySet().stream()
                .filter(w -> w.getKey().contains("embedding")).findFirst().orElseThrow().getValue();
        assertFalse(java.util.Arrays.equals(generatorEmbedding, after), "the generator's label embedding learned");
    }

    @Test
    void aConditionalFitFeedsClassIndexLabelsAsTheModelsInputs() {
        Model g = conditionalGenerator();
        Model d = conditionalDiscriminator();
        GanTrainer trainer = GanTrainer.builder(g, d).generatorOptimizer(own(new Adam(0.01)))
                .discriminatorOptimizer(own(new Adam(0.01))).conditional(true).build();
        double[] x = new double[12];
        int[] digits = new int[12];
        for (int i = 0; i < 12; i++) {
            digits[i] = i % 3;
            x[i] = digits[i];
        }
        ArrayDataset data = ArrayDataset.builder().features("x", x, Shape.of(1))
                .labels("label", digits, Shape.of(1)).build();
        assertTrue(data.holdsClassIndices(0), "labels held as class indices, which batches would upload as I32");
        List<GanEpoch> epochs = trainer.fit(data, GanFitOptions.of(2, 4));
        assertEquals(2, epochs.size());
        assertTrue(Double.isFinite(epochs.get(1).generatorLoss()));
    }

    private Model conditionalGenerator() {
        SymbolicTensor noise = Input.of("noise", NOISE);
        SymbolicTensor label = Input.of("label", 1);
        SymbolicTensor code = new Flatten().call(new Embedding(3, 2).call(label));
        return own(Model.on(backend, List.of(noise, label), List.of(new Dense(1).call(
                new Concatenate(-1).call(noise, code)))).dtype(DType.F64).seed(1));
    }

    private Model conditionalDiscriminator() {
        SymbolicTensor x = Input.of("x", 1);
        SymbolicTensor label = Input.of("label", 1);
        SymbolicTensor code = new Flatten().call(new Embedding(3, 2).call(label));
        return own(Model.on(backend, List.of(x, label), List.of(new Dense(1, ActivationFunction.SIGMOID).call(
                new Concatenate(-1).call(x, code)))).dtype(DType.F64).seed(2));
    }

    @Test
    void refusesOneOptimizerForBothAFrozenDiscriminatorAndMissingLabels() {
        Model g = generator(1);
        Model d = discriminator(2, ActivationFunction.SIGMOID);
        Optimizer shared = own(new Adam(0.01));
        KilnException sameOptimizer = assertThrows(KilnException.class, () -> GanTrainer.builder(g, d)
                .generatorOptimizer(shared).discriminatorOptimizer(shared).build());
        assertTrue(sameOptimizer.getMessage().contains("optimizer each"), sameOptimizer.getMessage());
        d.layers().get(d.layers().size() - 1).trainable(false);
        KilnException frozen = assertThrows(KilnException.class, () -> trainer(g, d, GanLoss.standard()));
        assertTrue(frozen.getMessage().contains("frozen"), frozen.getMessage());
        KilnException conditional = assertThrows(KilnException.class, () -> GanTrainer.builder(g,
                discriminator(3, ActivationFunction.SIGMOID)).generatorOptimizer(own(new Adam(0.01)))
                .discriminatorOptimizer(own(new Adam(0.01))).conditional(true).build());
        assertTrue(conditional.getMessage().contains("two inputs"), conditional.getMessage());
    }
}
