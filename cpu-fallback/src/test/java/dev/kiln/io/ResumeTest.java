package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.optim.CosineDecay;
import dev.kiln.optim.FusedOptimizer;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.EarlyStopping;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import dev.kiln.train.LearningRateScheduler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ResumeTest {
    @TempDir
    Path dir;
    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    /** A small regression problem: y = sin(x0) + x1 * x2 over 40 samples. */
    static double[][][] data() {
        double[][] x = new double[40][];
        double[][] y = new double[40][];
        for (int i = 0; i < 40; i++) {
            x[i] = new double[] {i / 10.0 - 2, (i % 7) / 7.0, (i % 5) / 5.0 - 0.5};
            y[i] = new double[] {Math.sin(x[i][0]) + x[i][1] * x[i][2]};
        }
        return new double[][][] {x, y};
    }

    static Sequential model(Backend backend, DType dtype, FusedOptimizer<?> optimizer) {
        Sequential model = Sequential.on(backend, new Dense(6, ActivationFunction.TANH), new Dense(1))
                .dtype(dtype).seed(11);
        model.compile(Losses.mse(), optimizer);
        return model;
    }

    static FitOptions options(int epochs) {
        return FitOptions.builder().epochs(epochs).batchSize(6).seed(5).validationSplit(0.2).log(false).build();
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void twoEpochsThenTwoResumedEqualFourStraightBitForBit(DType dtype) {
        double[][][] d = data();
        Adam straightAdam = new Adam(0.02);
        try (Sequential straight = model(backend, dtype, straightAdam)) {
            History full = straight.fit(d[0], d[1], options(4));
            Path root = dir.resolve(dtype.name());
            try (Sequential first = model(backend, dtype, new Adam(0.02))) {
                first.fit(d[0], d[1], options(2).toBuilder().callbacks(CheckpointCallback.everyEpoch(root, 1)).build());
            }
            Resume resume = Resume.from(root);
            assertEquals(2, resume.state().epoch());
            Adam resumedAdam = new Adam(0.02);
            try (Sequential resumed = model(backend, dtype, resumedAdam)) {
                History rest = resumed.fit(d[0], d[1], resume.options(options(4)));
                assertEquals(List.of(1, 2, 3, 4), rest.epochs().stream().map(e -> e.epoch()).toList(),
                        "the history starts with the epochs the checkpoint kept");
                assertEquals(2, rest.epochsRun());
                assertEquals(4, rest.epochsDone());
                assertArrayEquals(full.series("loss"), rest.series("loss"), "losses of every epoch");
                assertArrayEquals(full.series("val_loss"), rest.series("val_loss"), "validation losses");
                for (int i = 0; i < straight.parameters().size(); i++) {
                    Tensor a = straight.parameters().get(i);
                    Tensor b = resumed.parameters().get(i);
                    assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), a.name());
                    assertEquals(straightAdam.steps(a), resumedAdam.steps(b));
                    assertArrayEquals(straightAdam.state(a).get(1).toDoubleArray(),
                            resumedAdam.state(b).get(1).toDoubleArray(), a.name() + " second moment");
                }
            }
        }
    }

    @Test
    void aResumedScheduleContinuesFromTheFirstRunsInitialRate() {
        double[][][] d = data();
        FitOptions scheduled = options(4).toBuilder().callbacks(new LearningRateScheduler(new CosineDecay(4))).build();
        try (Sequential straight = model(backend, DType.F64, new Adam(0.02))) {
            straight.fit(d[0], d[1], scheduled);
            Path root = dir.resolve("scheduled");
            try (Sequential first = model(backend, DType.F64, new Adam(0.02))) {
                first.fit(d[0], d[1], options(2).toBuilder().callbacks(new LearningRateScheduler(new CosineDecay(4)),
                        CheckpointCallback.everyEpoch(root, 1)).build());
            }
            Adam resumedAdam = new Adam(0.02);
            try (Sequential resumed = model(backend, DType.F64, resumedAdam)) {
                resumed.fit(d[0], d[1], Resume.from(root).options(scheduled));
                for (int i = 0; i < straight.parameters().size(); i++) {
                    assertArrayEquals(straight.parameters().get(i).toDoubleArray(),
                            resumed.parameters().get(i).toDoubleArray(), straight.parameters().get(i).name());
                }
                assertEquals(0.02, resumedAdam.learningRate(), 1e-15, "the initial rate is restored at the end");
            }
        }
    }

    @Test
    void aRunThatIsOverHasNothingToResume() {
        double[][][] d = data();
        Path finished = dir.resolve("finished");
        Path stopped = dir.resolve("stopped");
        try (Sequential model = model(backend, DType.F64, new Adam(0.02))) {
            model.fit(d[0], d[1], options(3).toBuilder().callbacks(CheckpointCallback.everyEpoch(finished, 1)).build());
        }
        try (Sequential model = model(backend, DType.F64, new Adam(0.02))) {
            History history = model.fit(d[0], d[1], options(50).toBuilder().callbacks(
                    new EarlyStopping("loss", 10, 1, EarlyStopping.Mode.MIN, false),
                    CheckpointCallback.everyEpoch(stopped, 1)).build());
            assertEquals(2, history.epochs().size(), "no loss falls by 10: stopped after the second epoch");
        }
        KilnException done = assertThrows(KilnException.class, () -> Resume.from(finished).options(options(3)));
        assertTrue(done.getMessage().contains("already trained all 3 epochs"), done.getMessage());
        KilnException over = assertThrows(KilnException.class, () -> Resume.from(stopped).options(options(50)));
        assertTrue(over.getMessage().contains("stopped early after epoch 2"), over.getMessage());
        assertTrue(Resume.from(stopped).state().stopReason().startsWith("early stopping"));
    }

    @Test
    void aLearningRateChangedOnResumeStartsTheScheduleAnew() {
        double[][][] d = data();
        Path root = dir.resolve("scheduled");
        FitOptions scheduled = options(4).toBuilder().callbacks(new LearningRateScheduler(new CosineDecay(4))).build();
        try (Sequential first = model(backend, DType.F64, new Adam(0.02))) {
            first.fit(d[0], d[1], options(2).toBuilder().callbacks(new LearningRateScheduler(new CosineDecay(4)),
                    CheckpointCallback.everyEpoch(root, 1)).build());
        }
        History doubled;
        try (Sequential resumed = model(backend, DType.F64, new Adam(0.02))) {
            doubled = resumed.fit(d[0], d[1], Resume.from(root).withLearningRate(0.04).options(scheduled));
        }
        CosineDecay decay = new CosineDecay(4);
        assertEquals(decay.rate(1, 0.02), doubled.epochs().get(1).learningRate(), 1e-15, "before the checkpoint");
        assertEquals(decay.rate(2, 0.04), doubled.epochs().get(2).learningRate(), 1e-15, "after it");
        assertEquals(decay.rate(3, 0.04), doubled.epochs().get(3).learningRate(), 1e-15);
    }

    @Test
    void keepsTheLastCheckpointsAndTheBestByTheMonitor() {
        double[][][] d = data();
        Path root = dir.resolve("ckpt");
        List<Double> validationLosses = new ArrayList<>();
        try (Sequential model = model(backend, DType.F64, new Sgd(0.3))) {
            History history = model.fit(d[0], d[1], options(8).toBuilder()
                    .callbacks(new CheckpointCallback(root, 2, 1, "val_loss", EarlyStopping.Mode.MIN)).build());
            history.epochs().forEach(e -> validationLosses.add(e.validationLoss()));
        }
        int bestEven = 2;
        for (int epoch = 2; epoch <= 8; epoch += 2) {
            if (validationLosses.get(epoch - 1) < validationLosses.get(bestEven - 1)) {
                bestEven = epoch;
            }
        }
        List<Long> kept = new CheckpointStore(root).list().stream().map(CheckpointStore.Checkpoint::sequence).toList();
        List<Long> expected = bestEven == 8 ? List.of(8L) : List.of((long) bestEven, 8L);
        assertEquals(expected, kept, "validation losses " + validationLosses);
        TrainingState state = TrainingState.read(root.resolve(CheckpointStore.name(8)));
        assertEquals(validationLosses.get(7), state.values().get("val_loss"));
        assertEquals("val_loss", state.monitor());
        assertEquals(8 * 6, state.globalStep(), "8 epochs of 32 training samples in batches of 6");
    }

    @Test
    void refusesToResumeWithADifferentDataOrderOrOptimizer() {
        double[][][] d = data();
        Path root = dir.resolve("ckpt");
        try (Sequential model = model(backend, DType.F32, new Adam(0.01))) {
            model.fit(d[0], d[1], options(1).toBuilder().callbacks(CheckpointCallback.everyEpoch(root, 1)).build());
        }
        Resume resume = Resume.from(root);
        KilnException batch = assertThrows(KilnException.class,
                () -> resume.options(options(3).toBuilder().batchSize(7).build()));
        assertTrue(batch.getMessage().contains("batch size 6") && batch.getMessage().contains("uses 7"),
                batch.getMessage());
        try (Sequential model = model(backend, DType.F32, new Sgd(0.01))) {
            KilnException optimizer = assertThrows(KilnException.class,
                    () -> model.fit(d[0], d[1], resume.options(options(3))));
            assertTrue(optimizer.getMessage().contains("'adam'") && optimizer.getMessage().contains("'sgd'"),
                    optimizer.getMessage());
        }
        try (Sequential other = Sequential.on(backend, new Dense(7, ActivationFunction.TANH), new Dense(1))) {
            other.compile(Losses.mse(), new Adam(0.01));
            KilnException layers = assertThrows(KilnException.class,
                    () -> other.fit(d[0], d[1], resume.options(options(3))));
            assertTrue(layers.getMessage().contains("model.json") && layers.getMessage().contains("differ"),
                    layers.getMessage());
        }
        assertThrows(KilnException.class, () -> Resume.from(dir.resolve("empty-does-not-exist")));
    }
}
