package dev.kiln.check.parity;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.Distribution;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Specs of the fused optimizer updates (every rule) and the counter-based generator (every distribution). */
final class TrainingSpecs {
    private static final int[] LENGTHS = {1, 651, 1025, 65537};

    private TrainingSpecs() {
    }

    static List<OpSpec> all() {
        List<OpSpec> specs = new ArrayList<>();
        for (UpdateRule rule : UpdateRule.values()) {
            specs.add(update(rule));
        }
        for (Distribution distribution : Distribution.values()) {
            specs.add(random(distribution));
        }
        return specs;
    }

    /** Where each state buffer's values come from: squares-based states are non-negative. */
    private static InputRange stateRange(UpdateRule rule, int state) {
        return switch (rule) {
            case SGD, MOMENTUM, NESTEROV -> InputRange.uniform(-0.5, 0.5);
            case ADAM, ADAMW -> state == 0 ? InputRange.uniform(-0.1, 0.1) : InputRange.uniform(0, 0.05);
            case RMSPROP -> InputRange.uniform(0, 0.5);
            case ADAGRAD -> InputRange.uniform(0, 2);
        };
    }

    private static OpSpec update(UpdateRule rule) {
        double beta1 = 0.9;
        UpdateParameters decayed = new UpdateParameters(0.0125, beta1, 0.999, 1e-7, 0.01, 5);
        UpdateParameters plain = new UpdateParameters(0.0125, beta1, 0.999, 1e-7, 0, 1);
        List<OpCase> cases = new ArrayList<>();
        for (int n : LENGTHS) {
            cases.add(updateCase(rule, n + ",step=5,decay=0.01", n == 651, n, decayed));
        }
        cases.add(updateCase(rule, "651,step=1,decay=0", false, 651, plain));
        return new OpSpec("update." + Labels.name(rule), List.of(Coverage.of("update", rule)), cases);
    }

    private static OpCase updateCase(UpdateRule rule, String label, boolean quick, int n, UpdateParameters parameters) {
        List<Input> inputs = new ArrayList<>();
        inputs.add(new Input("param", n, InputRange.uniform(-1, 1)));
        inputs.add(new Input("grad", n, InputRange.uniform(-1, 1)));
        for (int s = 0; s < rule.stateCount(); s++) {
            inputs.add(new Input("state " + (s + 1), n, stateRange(rule, s)));
        }
        return new OpCase(label, quick, inputs, Tolerances.elementwise(), (call, in) -> {
            Buffer[] states = in.subList(2, in.size()).toArray(Buffer[]::new);
            call.backend().update(rule, parameters, in.get(0), in.get(1), states);
            List<Output> outputs = new ArrayList<>();
            outputs.add(call.output("param", in.get(0)));
            for (int s = 0; s < states.length; s++) {
                outputs.add(call.output("state " + (s + 1), states[s]));
            }
            return outputs;
        });
    }

    /**
     * One draw: (seed, offset) pairs include a block counter (offset / 4) past 2^32 and a seed with its high word
     * set, to check that both 32-bit halves reach Philox, block counters that cross 2^32 between neighbouring blocks
     * (which OpenCL draws in one vector), and offsets that start and end inside a block.
     */
    private record Draw(long seed, long offset, double a, double b) {
        String label(int n) {
            return String.format(Locale.ROOT, "%d,seed=%d,offset=%d,a=%s,b=%s", n, seed, offset, a, b);
        }
    }

    private static OpSpec random(Distribution distribution) {
        // Parameters exactly representable in F32 keep UNIFORM and BERNOULLI bit-identical across precisions.
        long crossing = (1L << 34) - 21;
        List<Draw> draws = switch (distribution) {
            case UNIFORM -> List.of(new Draw(42, 0, -1, 1), new Draw(0x9E3779B97F4A7C15L, (1L << 34) + 2, 0, 0.5),
                    new Draw(7, crossing, -1, 1));
            case NORMAL -> List.of(new Draw(42, 0, 0.5, 2), new Draw(0x9E3779B97F4A7C15L, (1L << 34) + 2, 0, 1),
                    new Draw(7, crossing, 0, 1));
            case BERNOULLI -> List.of(new Draw(42, 0, 0.75, 0), new Draw(0x9E3779B97F4A7C15L, (1L << 34) + 2, 0.125,
                    0), new Draw(7, crossing, 0.5, 0));
        };
        Tolerances tolerances = distribution == Distribution.NORMAL
                ? Tolerances.transcendentalChain()
                : Tolerances.EXACT;
        List<OpCase> cases = new ArrayList<>();
        for (int n : LENGTHS) {
            for (Draw draw : draws) {
                boolean quick = n == 651 && draw.seed() == 42;
                cases.add(new OpCase(draw.label(n), quick, List.of(), tolerances, (call, in) -> {
                    Buffer out = call.allocate(n);
                    call.backend().random(distribution, draw.seed(), draw.offset(), draw.a(), draw.b(), out);
                    return List.of(call.output("out", out));
                }));
            }
        }
        return new OpSpec("random." + Labels.name(distribution), List.of(Coverage.of("random", distribution)), cases);
    }
}
