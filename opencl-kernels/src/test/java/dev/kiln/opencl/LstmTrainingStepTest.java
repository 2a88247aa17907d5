package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.opencl.LstmTrainingStep.Batch;
import dev.kiln.opencl.LstmTrainingStep.Loop;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two loops that {@link LstmStepBenchmark} compares compute the same step, so its comparison is like for like. */
class LstmTrainingStepTest {
    private static final double TOLERANCE = 1e-9;

    @Test
    void fusedAndComposedLoopsGiveTheSameLossAndGradientsInF64() {
        try (Backend cpu = Backends.select("cpu");
             Batch batch = Batch.random(cpu, DType.F64, 3);
             LstmTrainingStep fused = new LstmTrainingStep(cpu, DType.F64, Loop.FUSED, 11);
             LstmTrainingStep composed = new LstmTrainingStep(cpu, DType.F64, Loop.COMPOSED, 11)) {
            assertEquals(fused.lossAndGradients(batch), composed.lossAndGradients(batch), TOLERANCE);
            List<String> names = List.of("kernel", "recurrent kernel", "bias", "head kernel", "head bias");
            for (int p = 0; p < names.size(); p++) {
                double[] expected = fused.parameters().get(p).grad().toDoubleArray();
                double[] actual = composed.parameters().get(p).grad().toDoubleArray();
                assertEquals(expected.length, actual.length, names.get(p));
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], TOLERANCE, names.get(p) + " gradient at " + i);
                }
            }
            // Two training steps: the second loss comes after one Adam update on each side.
            assertEquals(fused.train(batch), composed.train(batch), TOLERANCE);
            assertEquals(fused.train(batch), composed.train(batch), TOLERANCE);
        }
    }
}
