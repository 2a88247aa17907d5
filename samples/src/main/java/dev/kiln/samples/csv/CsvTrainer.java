package dev.kiln.samples.csv;

import dev.kiln.backend.Backend;
import dev.kiln.data.csv.CsvConversion;
import dev.kiln.data.csv.CsvTable;
import dev.kiln.data.csv.LabelledData;
import dev.kiln.io.Compilation;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metric;
import dev.kiln.metric.Metrics;
import dev.kiln.metric.RenamedMetric;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.samples.ModelStorage;
import dev.kiln.tensor.Shape;
import dev.kiln.train.Callback;
import dev.kiln.train.EarlyStopping;
import dev.kiln.train.Evaluation;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A baseline MLP for any numeric table: features z-scored on the training rows, hidden relu layers, softmax and
 * cross-entropy for classes or a linear output and mean squared error for values, Adam, early stopping on the
 * validation loss (restoring the best weights), then scored on the held-out test rows.
 */
public final class CsvTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(CsvTrainer.class);

    private CsvTrainer() {
    }

    /**
     * What the training produced.
     *
     * @param history per-epoch loss and metrics
     * @param test loss on the test rows with "accuracy" for classification, or "mse" and "r2" in the file's units
     *     for regression; null without test rows
     * @param table the prepared data, with its scalings
     * @param parameters trainable parameters of the model
     */
    public record Result(History history, Evaluation test, PreparedTable table, long parameters) {
    }

    /** Reads {@code options.file()}, splits its rows with {@code seed} and scales them; warns of a useless label. */
    public static PreparedTable prepare(CsvOptions options, long seed) {
        CsvTable table = CsvFile.read(options.file(), options.delimiter());
        LabelledData data = options.task() == CsvTask.CLASSIFY ? CsvConversion.classification(table, options.label())
                : CsvConversion.regression(table, options.label());
        PreparedTable prepared = PreparedTable.of(data, options.task(), options.validationFraction(),
                options.testFraction(), seed);
        prepared.warnings().forEach(LOG::warn);
        return prepared;
    }

    /** Trains a new model on {@code prepared} with {@code seed} for the weights and shuffling, and scores it. */
    public static Result train(Backend backend, CsvOptions options, PreparedTable prepared, int epochs, int batchSize,
                               double learningRate, long seed, List<Callback> callbacks) {
        return train(backend, options, prepared, epochs, batchSize, learningRate, seed, callbacks, ModelStorage.none());
    }

    /**
     * Trains and scores as above, saving, checkpointing and resuming as {@code storage} says; a saved regressor
     * records its target scaling, so its predictions can be read in the target's own units.
     */
    public static Result train(Backend backend, CsvOptions options, PreparedTable prepared, int epochs, int batchSize,
                               double learningRate, long seed, List<Callback> callbacks, ModelStorage storage) {
        boolean classify = prepared.task() == CsvTask.CLASSIFY;
        List<Dense> layers = new ArrayList<>();
        options.hidden().forEach(units -> layers.add(new Dense(units, ActivationFunction.RELU)));
        layers.add(classify ? new Dense(prepared.classes().size(), ActivationFunction.SOFTMAX)
                : new Dense(1, ActivationFunction.LINEAR));
        try (Sequential model = Sequential.on(backend, layers.toArray(Dense[]::new)).seed(seed)) {
            model.build(Shape.of(prepared.features().columns()));
            Compilation compilation;
            if (classify) {
                Loss loss = Losses.categoricalCrossEntropy(false);
                Metric accuracy = new RenamedMetric("accuracy", Metrics.categoricalAccuracy());
                model.compile(loss, new Adam(learningRate), accuracy);
                compilation = Compilation.of(loss, accuracy).withClasses(prepared.classes());
            } else {
                Loss loss = Losses.mse();
                model.compile(loss, new Adam(learningRate));
                compilation = Compilation.of(loss).withTarget(prepared.target());
            }
            List<Callback> all = new ArrayList<>(callbacks);
            FitOptions.Builder fit = FitOptions.builder().epochs(epochs).batchSize(batchSize).seed(seed);
            if (prepared.validation().size() > 0) {
                fit.validationData(prepared.validation());
                all.add(EarlyStopping.onValidationLoss(options.patience()));
            } else {
                LOG.info("no validation rows: every epoch is trained, without early stopping");
            }
            History history = model.fit(prepared.train(), storage.apply(fit.callbacks(all.toArray(Callback[]::new))
                    .build(), compilation, prepared.features()));
            storage.save(model, compilation, prepared.features());
            return new Result(history, test(model, prepared), prepared, model.trainableParameterCount());
        }
    }

    /** The scores on the test rows, or null when there are none. */
    private static Evaluation test(Sequential model, PreparedTable prepared) {
        if (prepared.test().size() == 0) {
            LOG.info("no test rows: the summary has no test scores");
            return null;
        }
        Evaluation evaluation = model.evaluate(prepared.test());
        return prepared.task() == CsvTask.CLASSIFY ? evaluation
                : new Evaluation(evaluation.loss(), regressionScores(model, prepared), evaluation.samples());
    }

    private static Map<String, Double> regressionScores(Sequential model, PreparedTable prepared) {
        double[][] outputs = model.predict(prepared.testFeatures());
        double[] scaled = new double[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            scaled[i] = outputs[i][0];
        }
        RegressionScores scores = RegressionScores.of(prepared.target().invert(scaled), prepared.testTargets());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("mse", scores.mse());
        metrics.put("r2", scores.r2());
        return metrics;
    }
}
