package dev.kiln.samples;

import dev.kiln.backend.Backend;
import dev.kiln.io.Compilation;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metric;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Shape;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** XOR of two bits, which no linear model separates: a 2-8-1 network with a tanh hidden layer. */
public final class XorSample implements Sample {
    private static final Logger LOG = LoggerFactory.getLogger(XorSample.class);

    private static final double[][] INPUTS = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    private static final double[][] XOR = {{0}, {1}, {1}, {0}};

    @Override
    public String name() {
        return "xor";
    }

    @Override
    public String description() {
        return "2-8-1 network learning XOR; reaches a training accuracy of 1.0";
    }

    @Override
    public TrainingSettings defaults() {
        return new TrainingSettings(300, 4, 0.05, 1, null);
    }

    @Override
    public SampleResult train(Backend backend, TrainingSettings settings) {
        try (Sequential model = Sequential.on(backend,
                new Dense(8, ActivationFunction.TANH),
                new Dense(1, ActivationFunction.SIGMOID)).seed(settings.seed())) {
            model.build(Shape.of(2));
            LOG.info(model.summary());
            Loss loss = Losses.binaryCrossEntropy(false);
            Metric accuracy = Metrics.accuracyFor(loss);
            model.compile(loss, new Adam(settings.learningRate()), accuracy);
            Compilation compilation = Compilation.of(loss, accuracy);
            History history = model.fit(INPUTS, XOR, settings.storage().apply(FitOptions.builder()
                    .epochs(settings.epochs())
                    .batchSize(settings.batchSize())
                    .seed(settings.seed())
                    .log(false)
                    .callbacks(new EpochLog(25))
                    .build(), compilation, null));
            settings.storage().save(model, compilation, null);
            return new SampleResult(history, model.parameterCount(), null, Map.of());
        }
    }
}
