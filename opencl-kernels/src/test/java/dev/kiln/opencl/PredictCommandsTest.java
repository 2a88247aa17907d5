package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.TransferStats;
import dev.kiln.layer.ActivationFunction;
import dev.kiln.layer.Dense;
import dev.kiln.model.Model;
import dev.kiln.model.Sequential;
import dev.kiln.tensor.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What {@code Model.predict} of a 784-128-10 MLP costs the device once warm: an upload, one fused kernel per dense
 * layer and a download for a single sample, and no new device buffers or upload host memory at any batch size.
 */
class PredictCommandsTest {
    private static final int FEATURES = 784;
    private static final int CALLS = 20;

    @Test
    void aSingleSampleEnqueuesItsUploadOneKernelPerLayerAndItsDownload() {
        OpenClBackend backend = OpenClTestSupport.backend();
        try (Model model = network(backend)) {
            double[][] rows = rows(1);
            model.predict(rows);
            long commands = backend.commands();
            TransferStats transfers = backend.transfers();
            for (int i = 0; i < CALLS; i++) {
                model.predict(rows);
            }
            long in = (long) CALLS * FEATURES * Float.BYTES;
            assertEquals(new TransferStats(CALLS, in, CALLS, CALLS * 10L * Float.BYTES),
                    backend.transfers().since(transfers));
            assertEquals(4L * CALLS, backend.commands() - commands, "commands of " + CALLS + " predictions");
        }
    }

    @Test
    void warmPredictionsCreateNoDeviceBuffersOrUploadMemory() {
        OpenClBackend backend = OpenClTestSupport.backend();
        try (Model model = network(backend)) {
            for (int batch : new int[] {1, 64}) {
                double[][] rows = rows(batch);
                model.predict(rows);
                long blocks = backend.createdBlocks();
                long hostBytes = backend.uploadMemory().allocatedBytes();
                for (int i = 0; i < CALLS; i++) {
                    model.predict(rows);
                }
                assertEquals(blocks, backend.createdBlocks(), "device blocks created at batch " + batch);
                assertEquals(hostBytes, backend.uploadMemory().allocatedBytes(), "upload memory at batch " + batch);
            }
        }
    }

    private static Model network(OpenClBackend backend) {
        Model model = Sequential.on(backend, new Dense(128, ActivationFunction.RELU), new Dense(10)).seed(1);
        model.build(Shape.of(FEATURES));
        return model;
    }

    private static double[][] rows(int batch) {
        Random random = new Random(batch);
        double[][] rows = new double[batch][FEATURES];
        for (double[] row : rows) {
            for (int i = 0; i < FEATURES; i++) {
                row[i] = random.nextDouble();
            }
        }
        return rows;
    }
}
