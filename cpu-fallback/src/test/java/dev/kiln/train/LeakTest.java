package dev.kiln.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metrics;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live-buffer count returns to its value after fit, evaluate and predict, and after close. */
class LeakTest {
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
    void fitEvaluatePredictAndCloseLeaveNoBuffers() {
        double[][] x = new double[13][];
        double[][] y = new double[13][];
        for (int i = 0; i < 13; i++) {
            x[i] = new double[] {i / 13.0, (i % 4) / 4.0};
            y[i] = new double[] {i % 2};
        }
        long beforeModel = backend.liveBuffers();
        Sequential model = Sequential.on(backend, new Dense(4, ActivationFunction.RELU),
                new Dense(1, ActivationFunction.SIGMOID));
        model.compile(Losses.mse(), new Adam(0.01), Metrics.binaryAccuracy());
        FitOptions options = FitOptions.builder().epochs(3).batchSize(5).validationSplit(0.25)
                .callbacks(EarlyStopping.onValidationLoss(1)).log(false).build();
        model.fit(x, y, options);
        long trained = backend.liveBuffers();

        model.fit(x, y, options);
        assertEquals(trained, backend.liveBuffers(), "after fit");
        model.evaluate(x, y);
        assertEquals(trained, backend.liveBuffers(), "after evaluate");
        model.predict(x);
        assertEquals(trained, backend.liveBuffers(), "after predict on rows");
        try (MemoryScope scope = MemoryScope.open()) {
            model.predict(Tensor.of(backend, DType.F32, Shape.of(2, 2), 0.1, 0.2, 0.3, 0.4));
        }
        assertEquals(trained, backend.liveBuffers(), "after predict on a tensor");
        model.fit(x, y, options.toBuilder().checkFinite(false).build());
        x[3][1] = Double.NaN;
        model.fit(x, y, options.toBuilder().checkFinite(false).build());
        assertEquals(trained, backend.liveBuffers(), "after a fit stopped by a NaN loss");

        model.close();
        assertEquals(beforeModel, backend.liveBuffers(), "after close");
    }
}
