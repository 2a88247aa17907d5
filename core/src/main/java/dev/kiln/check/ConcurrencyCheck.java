package dev.kiln.check;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.Callback;
import dev.kiln.train.FitOptions;
import dev.kiln.train.TrainingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Checks the threading contract of a backend with a small model (2048 inputs, 8 tanh units, 3 outputs; wide enough
 * that gemm takes its split-depth path, with its scratch sums): predictions from
 * many threads and trainings of two models at once give the single-threaded answers bit for bit and leave no buffer
 * behind. Each check returns the problems it found, empty when there are none; the backend test suites run them, and
 * so can a user on their own device.
 */
public final class ConcurrencyCheck {
    /** Inputs of the model. */
    public static final int FEATURES = 2048;
    private static final int DISTINCT_ROWS = 16;
    private static final int MOST_PROBLEMS = 10;

    private ConcurrencyCheck() {
    }

    /**
     * {@code threads} threads each make {@code calls} one-row predictions on one shared model, alternating between
     * host rows and tensors, and compare each with the answer predicted before on one thread.
     */
    public static List<String> predictions(Backend backend, int threads, int calls) {
        double[][] rows = rows(DISTINCT_ROWS, 7);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        try (Model model = model(backend, 11)) {
            double[][] expected = new double[rows.length][];
            for (int r = 0; r < rows.length; r++) {
                expected[r] = model.predict(new double[][] {rows[r]})[0];
            }
            long liveBefore = backend.liveBuffers();
            runAll(threads, thread -> {
                for (int i = 0; i < calls && problems.size() < MOST_PROBLEMS; i++) {
                    int r = (thread * 5 + i) % rows.length;
                    double[] got = i % 2 == 0 ? model.predict(new double[][] {rows[r]})[0] : predictTensor(model, rows[r]);
                    if (!Arrays.equals(expected[r], got)) {
                        problems.add("thread " + thread + ", call " + i + ": row " + r + " predicted "
                                + Arrays.toString(got) + ", one thread predicted " + Arrays.toString(expected[r]));
                    }
                }
            }, problems);
            long leaked = backend.liveBuffers() - liveBefore;
            if (leaked != 0) {
                problems.add(leaked + " buffers were left live by " + threads * calls + " predictions");
            }
        }
        return problems;
    }

    /** Two models trained on the backend at once, one per thread, end with the weights of one-at-a-time trainings. */
    public static List<String> trainings(Backend backend) {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        double[][] x = rows(64, 3);
        double[][] y = targets(x);
        List<Map<String, float[]>> sequential = new ArrayList<>();
        for (int m = 0; m < 2; m++) {
            sequential.add(trainedWeights(backend, m, x, y));
        }
        List<Map<String, float[]>> concurrent = Collections.synchronizedList(new ArrayList<>(List.of(Map.of(), Map.of())));
        runAll(2, m -> concurrent.set(m, trainedWeights(backend, m, x, y)), problems);
        for (int m = 0; m < 2 && problems.isEmpty(); m++) {
            for (Map.Entry<String, float[]> e : sequential.get(m).entrySet()) {
                if (!Arrays.equals(e.getValue(), concurrent.get(m).get(e.getKey()))) {
                    problems.add("model " + m + ", " + e.getKey() + ": trained alongside another model it ends with "
                            + Arrays.toString(concurrent.get(m).get(e.getKey())) + ", trained alone with "
                            + Arrays.toString(e.getValue()));
                }
            }
        }
        return problems;
    }

    /**
     * One thread trains a model while others, once it has started, predict with it and try fits of their own: the
     * predictions (served between training steps) are finite, a fit tried while another runs is refused (at least
     * one is), and no buffer is left live.
     */
    public static List<String> predictionsDuringTraining(Backend backend, int threads, int calls) {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        double[][] x = rows(64, 5);
        double[][] y = targets(x);
        long liveBefore = backend.liveBuffers();
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger refused = new AtomicInteger();
        Callback signal = new Callback() {
            @Override
            public void onTrainBegin(TrainingContext context) {
                started.countDown();
            }
        };
        try (Model model = model(backend, 13)) {
            model.compile(Losses.mse(), new Adam(0.01));
            FitOptions options = FitOptions.builder().epochs(20).batchSize(8).log(false).callbacks(signal).build();
            runAll(threads + 1, thread -> {
                if (thread == 0) {
                    model.fit(x, y, options);
                    return;
                }
                awaitStart(started);
                for (int i = 0; i < calls && problems.size() < MOST_PROBLEMS; i++) {
                    double[] got = model.predict(new double[][] {x[i % x.length]})[0];
                    if (!Arrays.stream(got).allMatch(Double::isFinite)) {
                        problems.add("thread " + thread + " predicted " + Arrays.toString(got) + " during training");
                    }
                    fitAlongside(model, x, y, refused, problems);
                }
            }, problems);
        }
        if (refused.get() == 0) {
            problems.add("no fit tried while the model trained was refused");
        }
        long leaked = backend.liveBuffers() - liveBefore;
        if (leaked != 0) {
            problems.add(leaked + " buffers were left live by training alongside predictions");
        }
        return problems;
    }

    /** A fit while another may run: it is refused (and counted) or trains; any other failure is a problem. */
    private static void fitAlongside(Model model, double[][] x, double[][] y, AtomicInteger refused,
                                     List<String> problems) {
        try {
            model.fit(x, y, FitOptions.builder().epochs(1).batchSize(64).log(false).build());
        } catch (KilnException e) {
            if (e.getMessage().contains("already training")) {
                refused.incrementAndGet();
            } else {
                problems.add("a fit alongside another failed with " + e.getMessage());
            }
        }
    }

    /** Waits up to a minute for {@code started} to reach zero. */
    private static void awaitStart(CountDownLatch started) {
        try {
            if (!started.await(1, TimeUnit.MINUTES)) {
                throw new KilnException("the other threads did not start within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KilnException("interrupted while waiting for the other threads to start", e);
        }
    }

    /**
     * {@code threads} threads predict with a model on a backend made by {@code create} until the backend is closed
     * under them: every prediction before is right, and every failure after is a {@link KilnException}.
     */
    public static List<String> closingWhilePredicting(Supplier<Backend> create, int threads) {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        double[][] row = rows(1, 9);
        Backend backend = create.get();
        Model model = model(backend, 17);
        double[] expected = model.predict(row)[0];
        CountDownLatch predicted = new CountDownLatch(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                running.add(pool.submit(() -> predictUntilClosed(model, row, expected, predicted, problems)));
            }
            awaitStart(predicted);
            backend.close();
            for (Future<?> f : running) {
                f.get(1, TimeUnit.MINUTES);
            }
        } catch (Exception e) {
            problems.add("the predicting threads did not end cleanly: " + e);
        } finally {
            pool.shutdownNow();
            model.close();
        }
        return problems;
    }

    private static void predictUntilClosed(Model model, double[][] row, double[] expected, CountDownLatch predicted,
                                           List<String> problems) {
        while (true) {
            double[] got;
            try {
                got = model.predict(row)[0];
            } catch (KilnException e) {
                return;
            } catch (RuntimeException e) {
                problems.add("a prediction on a closing backend failed with " + e);
                return;
            }
            if (!Arrays.equals(expected, got)) {
                problems.add("predicted " + Arrays.toString(got) + " instead of " + Arrays.toString(expected));
            }
            predicted.countDown();
        }
    }

    /** {@code count} backends made by {@code create} on {@code threads} threads at once, each used once and closed. */
    public static List<String> creations(Supplier<Backend> create, int threads, int count) {
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        runAll(threads, thread -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                float[] sent = {i, -i, 0.5f, thread};
                float[] back = new float[sent.length];
                try (Backend backend = create.get()) {
                    Buffer buffer = backend.allocate(DType.F32, sent.length);
                    backend.upload(sent, buffer);
                    backend.download(buffer, back);
                    backend.free(buffer);
                }
                if (!Arrays.equals(sent, back)) {
                    problems.add("backend " + i + " gave back " + Arrays.toString(back) + " for "
                            + Arrays.toString(sent));
                }
            }
        }, problems);
        return problems;
    }

    /** The model of these checks, taking rows of {@link #FEATURES} values, built on {@code backend}; its weights depend on {@code seed} only. */
    public static Model model(Backend backend, long seed) {
        Sequential model = Sequential.on(backend, new Dense(8, ActivationFunction.TANH), new Dense(3)).seed(seed);
        model.build(Shape.of(FEATURES));
        return model;
    }

    private static Map<String, float[]> trainedWeights(Backend backend, long seed, double[][] x, double[][] y) {
        try (Model model = model(backend, seed)) {
            model.compile(Losses.mse(), new Adam(0.01));
            model.fit(x, y, FitOptions.builder().epochs(3).batchSize(8).seed(seed).log(false).build());
            Map<String, float[]> weights = new TreeMap<>();
            model.namedParameters().forEach((name, p) -> weights.put(name, p.toFloatArray()));
            return weights;
        }
    }

    private static double[] predictTensor(Model model, double[] row) {
        try (Tensor x = Tensor.of(model.backend(), model.dtype(), Shape.of(1, FEATURES), row);
             Tensor out = model.predict(x)) {
            return out.toDoubleArray();
        }
    }

    /** Runs {@code body} on threads 0 .. count - 1 at once; a failure becomes a problem. */
    private static void runAll(int count, Consumer<Integer> body, List<String> problems) {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < count; t++) {
                int thread = t;
                running.add(pool.submit(() -> body.accept(thread)));
            }
            for (int t = 0; t < count; t++) {
                try {
                    running.get(t).get();
                } catch (ExecutionException e) {
                    problems.add("thread " + t + " failed: " + e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    problems.add("interrupted while waiting for thread " + t);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static double[][] rows(int count, long seed) {
        Random random = new Random(seed);
        double[][] rows = new double[count][FEATURES];
        for (double[] row : rows) {
            for (int i = 0; i < FEATURES; i++) {
                row[i] = random.nextGaussian();
            }
        }
        return rows;
    }

    private static double[][] targets(double[][] x) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = new double[] {x[i][0] - x[i][1], x[i][2] * x[i][3], Math.sin(x[i][0])};
        }
        return y;
    }
}
