package dev.kiln.samples;

import dev.kiln.backend.Backend;
import dev.kiln.io.Compilation;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Sgd;
import dev.kiln.tensor.Shape;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic first network: from weight (minus 135 lb) and height (minus 66 in), is the person female?
 * A 2-2-1 sigmoid network, mean squared error, plain SGD one person at a time.
 */
public final class ToySample implements Sample {
    private static final Logger LOG = LoggerFactory.getLogger(ToySample.class);

    // Alice, Bob, Charlie, Diana
    private static final double[][] PEOPLE = {{-2, -1}, {25, 6}, {17, 4}, {-15, -6}};
    private static final double[][] FEMALE = {{1}, {0}, {0}, {1}};
    private static final Map<String, double[]> NEWCOMERS = newcomers();

    private static Map<String, double[]> newcomers() {
        Map<String, double[]> people = new LinkedHashMap<>();
        people.put("Emily", new double[] {-7, -3});
        people.put("Frank", new double[] {20, 2});
        return people;
    }

    @Override
    public String name() {
        return "toy";
    }

    @Override
    public String description() {
        return "2-2-1 sigmoid network telling four people's sex from weight and height; predicts Emily and Frank";
    }

    @Override
    public TrainingSettings defaults() {
        return new TrainingSettings(1000, 1, 0.1, 1, null);
    }

    @Override
    public SampleResult train(Backend backend, TrainingSettings settings) {
        try (Sequential model = Sequential.on(backend,
                new Dense(2, ActivationFunction.SIGMOID),
                new Dense(1, ActivationFunction.SIGMOID)).seed(settings.seed())) {
            model.build(Shape.of(2));
            LOG.info(model.summary());
            Loss loss = Losses.mse();
            model.compile(loss, new Sgd(settings.learningRate()));
            Compilation compilation = Compilation.of(loss);
            History history = model.fit(PEOPLE, FEMALE, settings.storage().apply(FitOptions.builder()
                    .epochs(settings.epochs())
                    .batchSize(settings.batchSize())
                    .shuffle(false)
                    .seed(settings.seed())
                    .log(false)
                    .callbacks(new EpochLog(10))
                    .build(), compilation, null));
            settings.storage().save(model, compilation, null);

            double[][] outputs = model.predict(NEWCOMERS.values().toArray(double[][]::new));
            Map<String, Double> predictions = new LinkedHashMap<>();
            int row = 0;
            for (Map.Entry<String, double[]> person : NEWCOMERS.entrySet()) {
                double p = outputs[row++][0];
                predictions.put(person.getKey(), p);
                LOG.info(String.format(Locale.ROOT, "%s (%+.0f lb, %+.0f in): %.3f", person.getKey(),
                        person.getValue()[0], person.getValue()[1], p));
            }
            return new SampleResult(history, model.parameterCount(), null, predictions);
        }
    }
}
