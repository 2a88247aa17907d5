package dev.kiln.check.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.UnaryOp;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The suite can fail: a backend with one deliberate bug is reported at that op and at the right element. */
class FaultInjectionTest {
    private static Backend cpu;

    @BeforeAll
    static void open() {
        cpu = Backends.select("cpu");
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    /** Copies one element too few: the last element of every copied range keeps the target's old value. */
    private static Backend offByOneCopy() {
        return BackendDecorator.wrap(cpu, (delegate, method, arguments) -> {
            if (!method.getName().equals("copy")) {
                return BackendDecorator.PASS;
            }
            delegate.copy((Buffer) arguments[0], (long) arguments[1], (Buffer) arguments[2], (long) arguments[3],
                    (long) arguments[4] - 1);
            return null;
        });
    }

    /** The sigmoid derivative without its (1 - y) factor: gradIn = gradOut * y. */
    private static Backend wrongSigmoidDerivative() {
        return BackendDecorator.wrap(cpu, (delegate, method, arguments) -> {
            if (!method.getName().equals("unaryBackward") || arguments[0] != UnaryOp.SIGMOID) {
                return BackendDecorator.PASS;
            }
            Buffer y = (Buffer) arguments[4];
            Buffer gradOut = (Buffer) arguments[5];
            Buffer gradIn = (Buffer) arguments[6];
            delegate.binary(dev.kiln.backend.BinaryOp.MUL, dev.kiln.backend.Broadcast.same(y.length()), gradOut, y,
                    gradIn);
            return null;
        });
    }

    private static Set<String> failingOps(ParityReport report) {
        return report.failures().stream().map(ParityResult::op).collect(Collectors.toSet());
    }

    /** The quick primitives, where a bug in one primitive must fail that primitive's spec and no other. */
    private static ParityReport quickPrimitives(Backend candidate) {
        return new ParityRunner().run(new Side(cpu, DType.F64), new Side(candidate, DType.F64),
                ParityCatalogue.quick(ParityCatalogue.primitives()));
    }

    @Test
    void anOffByOneCopyFailsOnlyCopyAtTheLastCopiedElement() {
        ParityReport report = quickPrimitives(offByOneCopy());
        assertEquals(Set.of("copy"), failingOps(report), report.table(true));
        assertFalse(report.passed());
        assertTrue(report.verdict().startsWith("FAIL"), report.verdict());

        OpSpec copy = spec("copy");
        ParityReport full = new ParityRunner().run(new Side(cpu, DType.F64), new Side(offByOneCopy(), DType.F64),
                List.of(copy));
        assertEquals(copy.cases().size(), full.failedCount(), full.table(false));
        for (ParityResult result : full.results()) {
            long expectedIndex = lastCopiedIndex(result.shape());
            assertEquals(expectedIndex, result.worstIndex(), result.label());
            assertEquals(1, result.comparison().failures(), result.label() + ": only the last element is wrong");
        }
    }

    /** targetOffset + length - 1, read from a label like "651->700,from=3,to=5,length=640". */
    private static long lastCopiedIndex(String label) {
        long to = 0;
        long length = 0;
        for (String part : label.split(",")) {
            if (part.startsWith("to=")) to = Long.parseLong(part.substring(3));
            if (part.startsWith("length=")) length = Long.parseLong(part.substring(7));
        }
        return to + length - 1;
    }

    @Test
    void aWrongSigmoidDerivativeFailsOnlySigmoidBackwardAtItsLargestError() {
        ParityReport report = quickPrimitives(wrongSigmoidDerivative());
        assertEquals(Set.of("sigmoid.backward"), failingOps(report), report.table(true));
        ParityReport layers = new ParityRunner().run(new Side(cpu, DType.F64),
                new Side(wrongSigmoidDerivative(), DType.F64), ParityCatalogue.composites());
        assertEquals(Set.of("layer.activation.sigmoid"), failingOps(layers), "the one layer built on it fails too");

        OpSpec spec = spec("sigmoid.backward");
        ParityRunner runner = new ParityRunner();
        for (OpCase opCase : spec.cases()) {
            ParityResult result = runner.run(new Side(cpu, DType.F64), new Side(wrongSigmoidDerivative(), DType.F64),
                    spec, opCase);
            assertFalse(result.passed(), result.label());
            assertEquals(largestErrorOfTheBug(spec, opCase), result.worstIndex(), result.label());
        }
    }

    /** Where |gradOut * y - gradOut * y * (1 - y)| = |gradOut| * y^2 is largest, from the case's own inputs. */
    private static long largestErrorOfTheBug(OpSpec spec, OpCase opCase) {
        List<double[]> inputs = opCase.sample(spec.op(), ParityRunner.DEFAULT_SEED, false);
        double[] x = inputs.get(0);
        double[] gradOut = inputs.get(1);
        int worst = 0;
        double largest = -1;
        for (int i = 0; i < x.length; i++) {
            double y = 1 / (1 + Math.exp(-x[i]));
            double error = Math.abs(gradOut[i]) * y * y;
            if (error > largest) {
                largest = error;
                worst = i;
            }
        }
        return worst;
    }

    /** Adam's bias correction one step ahead, in the single and the group update: the step counter is off by one. */
    private static Backend adamStepOffByOne() {
        return BackendDecorator.wrap(cpu, (delegate, method, arguments) -> {
            boolean single = method.getName().equals("update");
            if (!(single || method.getName().equals("updateGroup")) || arguments[0] != UpdateRule.ADAM) {
                return BackendDecorator.PASS;
            }
            UpdateParameters p = (UpdateParameters) arguments[1];
            UpdateParameters ahead = new UpdateParameters(p.learningRate(), p.beta1(), p.beta2(), p.epsilon(),
                    p.weightDecay(), p.step() + 1);
            if (single) {
                delegate.update(UpdateRule.ADAM, ahead, (Buffer) arguments[2], (Buffer) arguments[3],
                        (Buffer[]) arguments[4]);
            } else {
                delegate.updateGroup(UpdateRule.ADAM, ahead, (Buffer[]) arguments[2], (Buffer[]) arguments[3],
                        (Buffer[][]) arguments[4]);
            }
            return null;
        });
    }

    @Test
    void anAdamStepCountOffByOneFailsTheUpdateAndTheTrainingRun() {
        assertEquals(Set.of("update.adam", "update_group.adam"), failingOps(quickPrimitives(adamStepOffByOne())));
        ParityReport composites = new ParityRunner().run(new Side(cpu, DType.F64),
                new Side(adamStepOffByOne(), DType.F64), ParityCatalogue.composites());
        assertEquals(Set.of("training.mlp_adam"), failingOps(composites), composites.table(true));
    }

    @Test
    void aSideThatThrowsIsAFailureCarryingItsMessage() {
        Backend broken = BackendDecorator.wrap(cpu, (delegate, method, arguments) -> {
            if (method.getName().equals("transpose")) {
                throw new UnsupportedOperationException("transpose is not built for this device");
            }
            return BackendDecorator.PASS;
        });
        ParityReport report = new ParityRunner().run(new Side(cpu, DType.F64), new Side(broken, DType.F64),
                List.of(spec("transpose")));
        assertEquals(spec("transpose").cases().size(), report.failedCount());
        assertTrue(report.failures().get(0).error().contains("transpose is not built for this device"),
                report.failures().get(0).error());
        assertEquals(0, cpu.liveBuffers(), "buffers are freed when a side throws");
    }

    private static OpSpec spec(String op) {
        return ParityCatalogue.all().stream().filter(s -> s.op().equals(op)).findFirst().orElseThrow();
    }
}
