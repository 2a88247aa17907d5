package dev.kiln.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.KilnSettings;
import dev.kiln.backend.Backend;
import dev.kiln.backend.BackendProvider;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.loss.Losses;
import dev.kiln.model.Sequential;
import dev.kiln.optim.Adam;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.FitOptions;
import dev.kiln.train.History;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saved models and checkpoints move between the CPU and the OpenCL backend. Without an OpenCL device the tests
 * are skipped, unless {@code KILN_REQUIRE_OPENCL=1}, which makes them fail.
 */
class CrossBackendModelTest {
    private static final double[][] X = {{0, 0, 1}, {0, 1, 0}, {1, 0, 0}, {1, 1, 1}, {0.5, 0.2, 0.9}, {3, 2, 1},
        {-1, 0.5, 2}, {2, -1, 0}};
    private static final double[][] Y = {{0}, {1}, {1}, {0}, {0.5}, {1}, {0.2}, {0.8}};
    private static Backend cpu;
    private static Backend openCl;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() {
        BackendProvider.Probe probe = Backends.providers().stream().filter(p -> p.name().equals("opencl"))
                .findFirst().orElseThrow().probe();
        if (KilnSettings.requireOpenCl()) {
            assertTrue(probe.available(), "OpenCL is required (KILN_REQUIRE_OPENCL) but unavailable: "
                    + probe.reason());
        } else {
            assumeTrue(probe.available(), "no OpenCL device: " + probe.reason());
        }
        cpu = Backends.select("cpu");
        openCl = Backends.select("opencl");
    }

    @AfterAll
    static void close() {
        if (openCl != null) {
            openCl.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    private static Sequential model(Backend backend) {
        Sequential model = Sequential.on(backend, new Dense(6, ActivationFunction.TANH), new Dense(1)).seed(4);
        model.compile(Losses.mse(), new Adam(0.02));
        return model;
    }

    private static FitOptions options(int epochs) {
        return FitOptions.builder().epochs(epochs).batchSize(3).seed(8).log(false).build();
    }

    @Test
    void aModelTrainedOnEitherBackendPredictsTheSameOnTheOther() {
        for (Backend from : List.of(cpu, openCl)) {
            Backend to = from == cpu ? openCl : cpu;
            Path saved = dir.resolve(from.name());
            double[][] expected;
            try (Sequential model = model(from)) {
                model.fit(X, Y, options(3));
                SavedModel.save(model, saved);
                expected = model.predict(X);
            }
            try (LoadedModel loaded = SavedModel.load(saved, to)) {
                double[][] predicted = loaded.predict(X);
                for (int i = 0; i < X.length; i++) {
                    assertArrayEquals(expected[i], predicted[i], 1e-5, from.name() + " to " + to.name() + ", row " + i);
                }
            }
        }
    }

    @Test
    void aResumedRunOnOpenClMatchesAnUninterruptedOneWithinTolerance() {
        Path root = dir.resolve("ckpt");
        try (Sequential straight = model(openCl)) {
            History full = straight.fit(X, Y, options(4));
            try (Sequential first = model(openCl)) {
                first.fit(X, Y, options(2).toBuilder().callbacks(CheckpointCallback.everyEpoch(root, 1)).build());
            }
            try (Sequential resumed = model(openCl)) {
                History rest = resumed.fit(X, Y, Resume.from(root).options(options(4)));
                assertEquals(4, rest.last().epoch());
                assertEquals(full.last().loss(), rest.last().loss(), 1e-5);
                for (int i = 0; i < straight.parameters().size(); i++) {
                    Tensor a = straight.parameters().get(i);
                    assertArrayEquals(a.toDoubleArray(), resumed.parameters().get(i).toDoubleArray(), 1e-5, a.name());
                }
            }
        }
    }
}
