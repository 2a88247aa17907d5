package dev.kiln.cpu;

import static dev.kiln.cpu.HostData.assertClose;
import static dev.kiln.cpu.HostData.get;
import static dev.kiln.cpu.HostData.put;
import static dev.kiln.cpu.HostData.tolerance;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One step of each optimizer rule by hand: p = 1, grad = 0.5, lr = 0.1. */
class CpuUpdateTest {
    private final CpuBackend backend = new CpuBackend();

    @AfterEach
    void close() {
        backend.close();
    }

    /** A step from the given states to the expected parameter and states. */
    private record Step(UpdateRule rule, double beta1, double weightDecay, long step, double[] statesBefore,
                        double expectedParam, double[] expectedStates) {
    }

    private static final List<Step> STEPS = List.of(
            new Step(UpdateRule.SGD, 0, 0, 1, new double[0], 0.95, new double[0]),
            // g = 0.5 + 0.1 * 1
            new Step(UpdateRule.SGD, 0, 0.1, 1, new double[0], 0.94, new double[0]),
            // v = 0.9 * 0.2 + 0.5 = 0.68; p = 1 - 0.1 * 0.68
            new Step(UpdateRule.MOMENTUM, 0.9, 0, 1, new double[] {0.2}, 0.932, new double[] {0.68}),
            // p = 1 - 0.1 * (0.5 + 0.9 * 0.68)
            new Step(UpdateRule.NESTEROV, 0.9, 0, 1, new double[] {0.2}, 0.8888, new double[] {0.68}),
            // m = 0.05, v = 0.00025; m^ = 0.5, v^ = 0.25; p = 1 - 0.1 * 0.5 / (0.5 + 1e-8)
            new Step(UpdateRule.ADAM, 0.9, 0, 1, new double[] {0, 0}, 0.900000002, new double[] {0.05, 0.00025}),
            // second step: m = 0.095, v = 0.00049975, bias corrections 0.19 and 0.001999
            new Step(UpdateRule.ADAM, 0.9, 0, 2, new double[] {0.05, 0.00025}, 0.9000000020000006,
                    new double[] {0.095, 0.00049975}),
            // ADAM on the raw gradient, then - 0.1 * 0.01 * 1
            new Step(UpdateRule.ADAMW, 0.9, 0.01, 1, new double[] {0, 0}, 0.899000002, new double[] {0.05, 0.00025}),
            // s = 0.1 * 0.25; p = 1 - 0.05 / (sqrt(0.025) + 1e-8)
            new Step(UpdateRule.RMSPROP, 0.9, 0, 1, new double[] {0}, 0.6837722539831608, new double[] {0.025}),
            // s = 0.75 + 0.25; p = 1 - 0.05 / (1 + 1e-8)
            new Step(UpdateRule.ADAGRAD, 0, 0, 1, new double[] {0.75}, 0.9500000005, new double[] {1}));

    @Test
    void everyRuleHasAStep() {
        assertEquals(EnumSet.allOf(UpdateRule.class), EnumSet.copyOf(STEPS.stream().map(Step::rule).toList()));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void oneStepOfEachRuleByHand(DType dtype) {
        for (Step step : STEPS) {
            Buffer param = put(backend, dtype, 1);
            Buffer[] states = new Buffer[step.statesBefore().length];
            for (int s = 0; s < states.length; s++) {
                states[s] = put(backend, dtype, step.statesBefore()[s]);
            }
            backend.update(step.rule(), new UpdateParameters(0.1, step.beta1(), 0.999, 1e-8, step.weightDecay(), step.step()),
                    param, put(backend, dtype, 0.5), states);
            String what = step.rule() + " step " + step.step() + " decay " + step.weightDecay();
            assertClose(new double[] {step.expectedParam()}, get(backend, param), tolerance(dtype), what);
            for (int s = 0; s < states.length; s++) {
                assertClose(new double[] {step.expectedStates()[s]}, get(backend, states[s]), tolerance(dtype), what + " state " + s);
            }
        }
    }

    @Test
    void updatesEveryElementOfALargeParameter() {
        int n = 100_003;
        Buffer param = backend.allocate(DType.F32, n);
        Buffer grad = backend.allocate(DType.F32, n);
        backend.fill(param, 1);
        backend.fill(grad, 0.5);
        backend.update(UpdateRule.SGD, new UpdateParameters(0.1, 0, 0, 0, 0, 1), param, grad);
        for (double value : get(backend, param)) {
            assertEquals(1f - 0.1f * 0.5f, value);
        }
    }
}
