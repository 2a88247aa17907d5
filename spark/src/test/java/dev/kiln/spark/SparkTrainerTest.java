package dev.kiln.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.data.ArrayDataset;
import dev.kiln.io.LoadedModel;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.io.CheckpointStore;
import dev.kiln.loss.CategoricalCrossEntropy;
import dev.kiln.loss.Losses;
import dev.kiln.loss.Reduction;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.EpochResult;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/** Distributed fits on Spark in local mode, two tasks at once, against the same fit on one machine. */
class SparkTrainerTest {
    private static final int SAMPLES = 203;
    private static final int BATCH = 32;
    private static final int EPOCHS = 3;
    private static final double TOLERANCE = 2e-5;
    /** Models the test factories built, across the executor threads of local mode. */
    private static final AtomicInteger BUILT = new AtomicInteger();
    private static JavaSparkContext spark;

    @TempDir
    Path checkpoints;

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.start("kiln-spark-test");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @BeforeEach
    void resetCount() {
        BUILT.set(0);
    }

    @Test
    void twoTasksTrainAsOneMachineOnTheSameGlobalBatches() {
        SparkFit fit = SparkTrainer.fit(data(2), SparkTrainerTest::adamModel, options());
        History alone = fitAlone(SparkTrainerTest::adamModel);
        assertEquals(EPOCHS, fit.epochs().size());
        for (int e = 0; e < EPOCHS; e++) {
            EpochResult want = alone.epochs().get(e);
            SparkEpoch got = fit.epochs().get(e);
            assertClose("epoch " + (e + 1) + " loss", want.loss(), got.loss());
            assertClose("epoch " + (e + 1) + " accuracy", want.metrics().get("categorical_accuracy"),
                    got.metrics().get("categorical_accuracy"));
            assertEquals(1, got.attempts());
        }
        assertSameWeights(SparkTrainerTest::adamModel, fit);
    }

    @Test
    void anEpochWhoseTaskIsKilledStartsAgainFromTheLastCheckpoint() {
        List<String> ends = new ArrayList<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                synchronized (ends) {
                    ends.add(end.reason().toString());
                }
            }
        };
        spark.sc().addSparkListener(listener);
        try {
            SparkFit fit = SparkTrainer.fit(data(2), SparkTrainerTest::killedInSecondEpoch, options());
            assertTrue(ends.stream().anyMatch(r -> r.contains("TaskKilled")), () -> "no task was killed: " + ends);
            assertEquals(List.of(1, 2, 1), fit.epochs().stream().map(SparkEpoch::attempts).toList());
            History alone = fitAlone(SparkTrainerTest::adamModel);
            assertClose("last loss", alone.last().loss(), fit.epochs().get(EPOCHS - 1).loss());
            assertSameWeights(SparkTrainerTest::adamModel, fit);
        } finally {
            spark.sc().removeSparkListener(listener);
        }
    }

    @Test
    void aRunContinuesAfterTheLatestCheckpointOfItsDirectory() {
        SparkTrainer.fit(data(2), SparkTrainerTest::adamModel, options().epochs(1));
        SparkFit rest = SparkTrainer.fit(data(2), SparkTrainerTest::adamModel, options());
        assertEquals(List.of(2, 3), rest.epochs().stream().map(SparkEpoch::epoch).toList());
        assertSameWeights(SparkTrainerTest::adamModel, rest);
        KilnException done = assertThrows(KilnException.class,
                () -> SparkTrainer.fit(data(2), SparkTrainerTest::adamModel, options()));
        assertTrue(done.getMessage().contains("already hold 3 epochs"), done.getMessage());
    }

    @Test
    void averagingWeightsAfterEveryPlainSgdStepEqualsSummingGradients() {
        SparkFit averaged = SparkTrainer.fit(data(3), SparkTrainerTest::sgdModel,
                options().averageEverySteps(1));
        assertSameWeights(SparkTrainerTest::sgdModel, averaged);
    }

    @Test
    void averagingEveryFewStepsStillLearns() {
        SparkFit fit = SparkTrainer.fit(data(2), SparkTrainerTest::adamModel, options().averageEverySteps(3)
                .epochs(6).shuffle(true));
        assertTrue(fit.epochs().get(5).loss() < fit.epochs().get(0).loss() * 0.8,
                () -> "losses " + fit.epochs().stream().map(SparkEpoch::loss).toList());
    }

    @Test
    void aFactoryThatBuildsDifferentModelsIsRefused() {
        KilnException e = assertThrows(KilnException.class, () -> SparkTrainer.fit(data(2),
                backend -> adamModel(backend).seed(BUILT.incrementAndGet()), options().attempts(1)));
        assertTrue(e.getMessage().contains("the model factory must build the same model"), e.getMessage());
    }

    @Test
    void aBatchThatDoesNotSplitEvenlyIsRefusedBeforeTraining() {
        KilnException e = assertThrows(KilnException.class, () -> SparkTrainer.fit(data(2),
                SparkTrainerTest::adamModel, options().batchSize(33)));
        assertTrue(e.getMessage().contains("multiple of the 2 partitions"), e.getMessage());
    }

    @Test
    void aLossThatSumsOverTheBatchIsRefusedOnTheDriver() {
        KilnException e = assertThrows(KilnException.class, () -> SparkTrainer.fit(data(2), backend -> {
            Model model = Sequential.on(backend, new Dense(3, ActivationFunction.SOFTMAX)).seed(7);
            return model.compile(new CategoricalCrossEntropy(false, Reduction.SUM), new Sgd(0.1));
        }, options()));
        assertTrue(e.getMessage().contains("sums over the batch"), e.getMessage());
        assertTrue(new CheckpointStore(checkpoints).list().isEmpty());
    }

    @Test
    void continuingWithAnotherShareOfTheBatchPerTaskIsRefusedBeforeAnyTask() {
        SparkTrainer.fit(data(2), SparkTrainerTest::adamModel, options().epochs(1));
        KilnException e = assertThrows(KilnException.class,
                () -> SparkTrainer.fit(data(2), SparkTrainerTest::adamModel, options().batchSize(64)));
        assertTrue(e.getMessage().contains("16 samples per task and batch"), e.getMessage());
    }

    @Test
    void aRunThatDivergesStopsOnEveryTaskAtOnceWithoutRetrying() {
        KilnException e = assertThrows(KilnException.class, () -> SparkTrainer.fit(data(2), backend -> {
            BUILT.incrementAndGet();
            Model model = Sequential.on(backend, new Dense(8, ActivationFunction.RELU),
                    new Dense(3, ActivationFunction.SOFTMAX)).seed(7);
            return model.compile(Losses.categoricalCrossEntropy(false), new Sgd(1e30));
        }, options()));
        assertTrue(e.getMessage().contains("stopped on the cluster") && e.getMessage().contains("non-finite"),
                e.getMessage());
        assertEquals(3, BUILT.get(), "the driver's check, then one try on each of the two tasks");
    }

    private SparkFitOptions options() {
        return SparkFitOptions.into(checkpoints).epochs(EPOCHS).batchSize(BATCH).shuffle(false).seed(5).partitions(2)
                .backend("cpu");
    }

    private static Model adamModel(Backend backend) {
        Model model = Sequential.on(backend, new Dense(8, ActivationFunction.TANH),
                new Dense(3, ActivationFunction.SOFTMAX)).seed(7);
        return model.compile(Losses.categoricalCrossEntropy(false), new Adam(0.02), Metrics.categoricalAccuracy());
    }

    private static Model sgdModel(Backend backend) {
        Model model = Sequential.on(backend, new Dense(8, ActivationFunction.TANH),
                new Dense(3, ActivationFunction.SOFTMAX)).seed(7);
        return model.compile(Losses.categoricalCrossEntropy(false), new Sgd(0.1), Metrics.categoricalAccuracy());
    }

    /**
     * The Adam model, whose fourth build (after the driver's check and epoch 1's two tasks: a task of epoch 2) has
     * its task killed through Spark.
     */
    private static Model killedInSecondEpoch(Backend backend) {
        if (BUILT.incrementAndGet() == 4) {
            TaskContext task = TaskContext.get();
            spark.sc().killTaskAttempt(task.taskAttemptId(), true, "killed by the test in epoch 2");
        }
        return adamModel(backend);
    }

    private static History fitAlone(ModelFactory factory) {
        try (Backend cpu = Backends.select("cpu"); Model model = factory.create(cpu)) {
            float[][] x = features();
            return model.fit(ArrayDataset.of(x, targets(x)), FitOptions.builder().epochs(EPOCHS).batchSize(BATCH)
                    .shuffle(false).seed(5).log(false).build());
        }
    }

    private static void assertSameWeights(ModelFactory factory, SparkFit fit) {
        try (Backend cpu = Backends.select("cpu"); Model alone = factory.create(cpu)) {
            float[][] x = features();
            alone.fit(ArrayDataset.of(x, targets(x)), FitOptions.builder().epochs(EPOCHS).batchSize(BATCH)
                    .shuffle(false).seed(5).log(false).build());
            try (LoadedModel loaded = fit.load(cpu)) {
                Map<String, Tensor> got = loaded.model().namedWeights();
                alone.namedWeights().forEach((name, w) -> {
                    double[] want = w.toDoubleArray();
                    double[] actual = got.get(name).toDoubleArray();
                    for (int i = 0; i < want.length; i++) {
                        assertClose(name + "[" + i + "]", want[i], actual[i]);
                    }
                });
            }
        }
    }

    private static void assertClose(String what, double want, double got) {
        assertTrue(Math.abs(want - got) <= TOLERANCE * Math.max(1, Math.abs(want)),
                () -> what + ": one machine " + want + ", Spark " + got);
    }

    /** The samples as an RDD in {@code slices} partitions, in the order one machine trains on them. */
    private static JavaPairRDD<float[], float[]> data(int slices) {
        float[][] x = features();
        float[][] y = targets(x);
        List<Tuple2<float[], float[]>> pairs = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            pairs.add(new Tuple2<>(x[i], y[i]));
        }
        return spark.parallelizePairs(pairs, slices);
    }

    private static float[][] features() {
        Random random = new Random(3);
        float[][] x = new float[SAMPLES][4];
        for (float[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextFloat() * 2 - 1;
            }
        }
        return x;
    }

    /** One-hot classes of a rule the network can learn. */
    private static float[][] targets(float[][] x) {
        float[][] y = new float[x.length][3];
        for (int i = 0; i < x.length; i++) {
            y[i][(x[i][0] + x[i][1] > 0.3 ? 1 : 0) + (x[i][2] > 0.5 ? 1 : 0)] = 1;
        }
        return y;
    }
}
