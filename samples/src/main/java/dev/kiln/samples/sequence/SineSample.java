package dev.kiln.samples.sequence;

import dev.kiln.backend.Backend;
import dev.kiln.data.ArrayDataset;
import dev.kiln.io.Compilation;
import dev.kiln.layer.Dense;
import dev.kiln.layer.GRU;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.samples.Sample;
import dev.kiln.samples.SampleResult;
import dev.kiln.samples.TrainingSettings;
import dev.kiln.samples.training.SeriesPlot;
import dev.kiln.tensor.Shape;
import dev.kiln.train.History;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Forecasting a noisy sum of two sines one step ahead from the last 50 values with a GRU, against the naive forecast
 * (the last value): {@code summary.json} reports both mean squared errors on the last fifth of the series, and the
 * chart plots a stretch of it with the forecast.
 */
public final class SineSample implements Sample {
    static final int WINDOW = 50;
    private static final int LENGTH = 6000;
    private static final double NOISE = 0.05;
    private static final double TEST_SHARE = 0.2;
    private static final int PLOTTED = 200;

    @Override
    public String name() {
        return "sine";
    }

    @Override
    public String description() {
        return "GRU 32 forecasting a noisy sum of sines from 50 steps; test MSE against the last-value forecast";
    }

    @Override
    public TrainingSettings defaults() {
        return new TrainingSettings(10, 32, 3e-3, 1, null);
    }

    /** sin(0.3 t) + 0.5 sin(0.71 t + 1) plus Gaussian noise of deviation 0.05, drawn from {@code seed}. */
    static double[] series(long seed) {
        Random noise = new Random(seed);
        double[] y = new double[LENGTH];
        for (int t = 0; t < LENGTH; t++) {
            y[t] = Math.sin(0.3 * t) + 0.5 * Math.sin(0.71 * t + 1) + NOISE * noise.nextGaussian();
        }
        return y;
    }

    /** The windows [n, WINDOW, 1] of {@code y} whose next value lies in [from, to), and those next values. */
    static double[][] windows(double[] y, int from, int to) {
        int n = to - from;
        double[] inputs = new double[n * WINDOW];
        double[] targets = new double[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(y, from + i - WINDOW, inputs, i * WINDOW, WINDOW);
            targets[i] = y[from + i];
        }
        return new double[][] {inputs, targets};
    }

    @Override
    public SampleResult train(Backend backend, TrainingSettings settings) {
        double[] y = series(settings.seed());
        int split = (int) (LENGTH * (1 - TEST_SHARE));
        double[][] train = windows(y, WINDOW, split);
        double[][] test = windows(y, split, LENGTH);
        ArrayDataset data = ArrayDataset.of(train[0], Shape.of(WINDOW, 1), train[1], Shape.of(1));
        Loss loss = Losses.mse();
        try (Sequential model = Sequential.on(backend, new GRU(32), new Dense(1)).seed(settings.seed())) {
            model.build(Shape.of(WINDOW, 1));
            model.compile(loss, new Adam(settings.learningRate()));
            History history = SequenceFit.fit(model, data, settings, Compilation.of(loss));
            double[] forecast = Arrays.stream(model.predict(rows(test[0]))).mapToDouble(row -> row[0]).toArray();
            double testMse = meanSquaredError(forecast, test[1]);
            double[] lastValues = new double[test[1].length];
            for (int i = 0; i < lastValues.length; i++) {
                lastValues[i] = y[split + i - 1];
            }
            double baselineMse = meanSquaredError(lastValues, test[1]);
            Map<String, Object> measures = new LinkedHashMap<>();
            measures.put("test_mse", testMse);
            measures.put("baseline_mse", baselineMse);
            measures.put("baseline_over_test_mse", baselineMse / testMse);
            int from = test[1].length - PLOTTED;
            Map<String, double[]> stretch = new LinkedHashMap<>();
            stretch.put("series", Arrays.copyOfRange(test[1], from, test[1].length));
            stretch.put("forecast", Arrays.copyOfRange(forecast, from, forecast.length));
            return new SampleResult(history, model.parameterCount(), null, Map.of(), measures,
                    List.of(new SeriesPlot("test series and one-step forecast", "time step", stretch)));
        }
    }

    private static double[][] rows(double[] flat) {
        double[][] rows = new double[flat.length / WINDOW][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * WINDOW, (i + 1) * WINDOW);
        }
        return rows;
    }

    static double meanSquaredError(double[] predicted, double[] actual) {
        double sum = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = predicted[i] - actual[i];
            sum += d * d;
        }
        return sum / actual.length;
    }
}
