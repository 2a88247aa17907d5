package dev.kiln.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendClosedException;
import dev.kiln.backend.Backends;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.TransferStats;
import dev.kiln.check.ConcurrencyCheck;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.layer.Reshape;
import dev.kiln.loss.Losses;
import dev.kiln.op.Ops;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.Callback;
import dev.kiln.train.Evaluation;
import dev.kiln.train.FitOptions;
import dev.kiln.train.TrainingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The threading contract on the CPU backend, and the ownership rules that keep it: scopes, optimizers, closing. */
class ThreadSafetyTest {
    private static final double[][] X = {{0.5, -1, 2, 0.25}, {1, 1, -0.5, 0}, {-2, 0.5, 0, 1}, {0, 0, 1, -1}};
    private static final double[][] Y = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}};

    private Backend backend;

    @BeforeEach
    void open() {
        backend = Backends.select("cpu");
    }

    @AfterEach
    void close() {
        backend.close();
    }

    @Test
    void predictionsFromEightThreadsMatchOneThreadBitForBit() {
        assertEquals(List.of(), ConcurrencyCheck.predictions(backend, 8, 2000));
    }

    @Test
    void twoModelsTrainedAtOnceOnOneBackendMatchTrainingsOneAtATime() {
        assertEquals(List.of(), ConcurrencyCheck.trainings(backend));
    }

    @Test
    void aBackendClosedUnderPredictingThreadsFailsThemCleanly() {
        assertEquals(List.of(), ConcurrencyCheck.closingWhilePredicting(() -> Backends.select("cpu"), 4));
    }

    @Test
    void predictionsAndFitAttemptsDuringTrainingAreServedOrRefusedCleanly() {
        assertEquals(List.of(), ConcurrencyCheck.predictionsDuringTraining(backend, 2, 200));
    }

    @Test
    void backendsAreCreatedUsedAndClosedFromManyThreads() {
        assertEquals(List.of(), ConcurrencyCheck.creations(() -> Backends.select("cpu"), 8, 100));
    }

    @Test
    void evaluationsFromFourThreadsMatchOneThread() throws Exception {
        try (Model model = tiny(5)) {
            model.compile(Losses.mse(), new Adam(0.01));
            double expected = model.evaluate(X, Y).loss();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Evaluation>> results = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    results.add(pool.submit(() -> model.evaluate(X, Y)));
                }
                for (Future<Evaluation> result : results) {
                    assertEquals(expected, result.get().loss());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void transferCountersAreExactUnderConcurrency() throws Exception {
        TransferStats before = backend.transfers();
        long live = backend.liveBuffers();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        try (Tensor x = Tensor.of(backend, Shape.of(3), 1f, 2f, 3f)) {
                            x.toFloatArray();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(new TransferStats(4000, 4000 * 12, 4000, 4000 * 12), backend.transfers().since(before));
        assertEquals(live, backend.liveBuffers());
    }

    @Test
    void aSecondFitOfOneModelIsRefusedWhileTheFirstRuns() throws Exception {
        try (Model model = tiny(1)) {
            model.compile(Losses.mse(), new Adam(0.01));
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch refused = new CountDownLatch(1);
            Callback pause = new Callback() {
                @Override
                public void onBatchBegin(int epoch, int step, TrainingContext context) {
                    started.countDown();
                    await(refused);
                }
            };
            FitOptions options = FitOptions.builder().epochs(1).batchSize(4).log(false).callbacks(pause).build();
            CompletableFuture<?> first = CompletableFuture.runAsync(() -> model.fit(X, Y, options));
            assertTrue(started.await(30, TimeUnit.SECONDS));
            FitOptions plain = FitOptions.builder().epochs(1).log(false).build();
            KilnException e = assertThrows(KilnException.class, () -> model.fit(X, Y, plain));
            refused.countDown();
            first.get(30, TimeUnit.SECONDS);
            assertTrue(e.getMessage().contains("already training"), e.getMessage());
            assertEquals(1, model.fit(X, Y, plain).epochs().size(), "a fit after the first one ends is accepted");
        }
    }

    @Test
    void predictOnATensorOutsideAnyScopeFreesEverythingButTheResult() {
        try (Model model = tiny(2);
             Tensor x = Tensor.of(backend, DType.F32, Shape.of(1, 4), X[0])) {
            long live = backend.liveBuffers();
            for (int i = 0; i < 1000; i++) {
                model.predict(x).close();
            }
            assertEquals(live, backend.liveBuffers());
        }
    }

    @Test
    void aResultThatViewsAnIntermediateSurvivesTheCall() {
        try (Model model = Sequential.on(backend, new Dense(6), new Reshape(2, 3))) {
            model.build(Shape.of(4));
            long live = backend.liveBuffers();
            try (Tensor x = Tensor.of(backend, DType.F32, Shape.of(1, 4), X[1]); Tensor y = model.predict(x)) {
                assertEquals(Shape.of(1, 2, 3), y.shape());
                assertArrayEquals(model.predict(new double[][] {X[1]})[0], y.toDoubleArray());
                assertEquals(live + 2, backend.liveBuffers(), "only the input and the result stay live");
            }
        }
    }

    @Test
    void aPredictionThatFailsHalfwayOutsideAnyScopeLeavesNothing() {
        Model model = Sequential.on(backend, new Dense(6), new Dense(3));
        model.build(Shape.of(4));
        model.parameter("dense_2/kernel").close();
        try (Tensor x = Tensor.of(backend, DType.F32, Shape.of(1, 4), X[2])) {
            long live = backend.liveBuffers();
            KilnException e = assertThrows(KilnException.class, () -> model.predict(x));
            assertTrue(e.getMessage().contains("dense_2/kernel"), e.getMessage());
            assertEquals(live, backend.liveBuffers());
        }
        model.close();
    }

    @Test
    void anOpThatFailsOutsideAnyScopeLeavesNothing() {
        try (Tensor a = Tensor.of(backend, Shape.of(2, 3), 1f, 2f, 3f, 4f, 5f, 6f);
             Tensor released = Tensor.of(backend, Shape.of(3, 2), 1f, 0f, 0f, 1f, 1f, 1f)) {
            released.close();
            long live = backend.liveBuffers();
            KilnException e = assertThrows(KilnException.class, () -> Ops.matmul(a, released));
            assertTrue(e.getMessage().contains("released"), e.getMessage());
            assertEquals(live, backend.liveBuffers());
        }
    }

    @Test
    void insideAScopeThePredictionBelongsToThatScope() {
        try (Model model = tiny(3)) {
            long live = backend.liveBuffers();
            Tensor y;
            try (MemoryScope scope = MemoryScope.open()) {
                y = model.predict(Tensor.of(backend, DType.F32, Shape.of(1, 4), X[3]));
                assertEquals(2, scope.size(), "the input and the result");
            }
            assertTrue(y.isClosed());
            assertEquals(live, backend.liveBuffers());
        }
    }

    @Test
    void anOptimizerCompiledIntoASecondModelIsRefused() {
        Adam adam = new Adam(0.01);
        try (Model first = tiny(1).named("first");
             Model second = tiny(2).named("second")) {
            first.compile(Losses.mse(), adam);
            first.compile(Losses.mae(), adam);
            KilnException e = assertThrows(KilnException.class, () -> second.compile(Losses.mse(), adam));
            assertTrue(e.getMessage().contains("model 'first'") && e.getMessage().contains("create another optimizer"),
                    e.getMessage());
            first.close();
            second.compile(Losses.mse(), adam);
            assertEquals(1, second.fit(X, Y, FitOptions.builder().epochs(1).log(false).build()).epochs().size());
        }
    }

    @Test
    void everyUseOfAClosedBackendNamesItAndSaysItWasClosed() {
        Backend closing = Backends.select("cpu");
        Model model = tiny(closing, 4);
        Tensor x = Tensor.of(closing, DType.F32, Shape.of(1, 4), X[0]);
        Buffer buffer = closing.allocate(DType.F32, 4);
        closing.close();
        List<KilnException> failures = List.of(
                assertThrows(BackendClosedException.class, () -> model.predict(X)),
                assertThrows(BackendClosedException.class, () -> model.predict(x)),
                assertThrows(BackendClosedException.class, x::toFloatArray),
                assertThrows(BackendClosedException.class, () -> closing.fill(buffer, 1)),
                assertThrows(BackendClosedException.class, () -> closing.allocate(DType.F32, 1)));
        for (KilnException e : failures) {
            assertTrue(e.getMessage().contains("backend 'cpu' on " + closing.device().name() + " was closed"),
                    e.getMessage());
        }
        model.close();
        x.close();
    }

    private Model tiny(long seed) {
        return tiny(backend, seed);
    }

    private static Model tiny(Backend on, long seed) {
        Model model = Sequential.on(on, new Dense(8, ActivationFunction.TANH), new Dense(3)).seed(seed);
        model.build(Shape.of(4));
        return model;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
