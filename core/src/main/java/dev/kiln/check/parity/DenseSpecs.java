package dev.kiln.check.parity;

import dev.kiln.backend.Activation;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Specs of the fused dense-layer calls, {@code gemmBiasActivation} and {@code biasActivationBackward} (every
 * activation), and of {@code updateGroup} (every rule).
 */
final class DenseSpecs {
    /**
     * Backward shapes: one element, odd sizes, the MLP's hidden layer, a long column, a narrow output layer, and widths
     * that a kernel vector width other than the host's would get wrong: 12 (a multiple of 4, not 8) and 1040 (a
     * multiple of 16, more vectors of 8 than a rounded-up range of vectors of 16 holds).
     */
    private static final int[][] ROWS = {{1, 1}, {7, 93}, {128, 128}, {63, 65}, {1025, 3}, {257, 10}, {5, 12},
        {3, 1040}};
    /**
     * Parameter lengths of the group updates: three small ones, nine (more than one launch's slots on OpenCL), and
     * small ones around parameters at the length from which OpenCL updates a parameter by itself.
     */
    private static final int[][] GROUPS = {{651, 1, 1025}, {3, 4, 5, 6, 7, 8, 9, 10, 11}, {4095, 4096, 17, 4097}};

    private DenseSpecs() {
    }

    static List<OpSpec> all() {
        List<OpSpec> specs = new ArrayList<>();
        for (Activation activation : Activation.values()) {
            specs.add(forward(activation));
            specs.add(backward(activation));
        }
        for (UpdateRule rule : UpdateRule.values()) {
            specs.add(updateGroup(rule));
        }
        return specs;
    }

    /** A parameter exactly representable in F32, so both precisions apply the same function. */
    private static double alpha(Activation activation) {
        return switch (activation) {
            case LEAKY_RELU -> 0.125;
            case ELU -> 1.5;
            default -> 0;
        };
    }

    /** One forward variant: op(a) [m, k] times op(b) [k, n], with or without a bias. */
    private record Product(int m, int n, int k, boolean transposeA, boolean transposeB, boolean bias, boolean quick) {
        String label() {
            return Labels.shape(m, n, k) + (transposeA ? ",tA" : "") + (transposeB ? ",tB" : "")
                    + (bias ? "" : ",no bias");
        }
    }

    /**
     * Products small enough for a one-output kernel, the MLP's layers at batch 128 and 32 (register blocks, in place
     * and packed, full and partial vectors), every transpose, a long k that OpenCL splits into slices, and k = 0.
     */
    private static OpSpec forward(Activation activation) {
        List<Product> variants = new ArrayList<>();
        variants.add(new Product(1, 1, 1, false, false, true, false));
        variants.add(new Product(7, 93, 31, false, false, true, true));
        variants.add(new Product(128, 128, 784, false, false, true, false));
        variants.add(new Product(32, 10, 128, false, false, true, false));
        variants.add(new Product(128, 10, 128, false, false, false, false));
        variants.add(new Product(33, 31, 32, true, false, true, false));
        variants.add(new Product(33, 31, 32, false, true, true, false));
        variants.add(new Product(65, 67, 64, true, true, false, false));
        variants.add(new Product(72, 64, 4100, true, false, true, false));
        variants.add(new Product(3, 5, 0, false, false, true, false));
        List<OpCase> cases = variants.stream().map(p -> forwardCase(activation, p)).toList();
        return new OpSpec("gemm_bias_activation." + Labels.name(activation),
                List.of(Coverage.of("gemmBiasActivation", activation)), cases);
    }

    private static OpCase forwardCase(Activation activation, Product p) {
        // With k = 0 the operands are empty buffers, which a case allocates rather than draws.
        boolean empty = p.k() == 0;
        List<Input> inputs = new ArrayList<>();
        if (!empty) {
            inputs.add(new Input("a", p.m() * p.k(), InputRange.uniform(-1, 1)));
            inputs.add(new Input("b", p.k() * p.n(), InputRange.uniform(-1, 1)));
        }
        if (p.bias()) {
            inputs.add(new Input("bias", p.n(), InputRange.uniform(-1, 1)));
        }
        return new OpCase(p.label(), p.quick(), inputs, Tolerances.accumulated(p.k() + 1L, Tolerances.elementwise(),
                "dot product and bias"), (call, in) -> {
            Buffer a = empty ? call.allocate(0) : in.get(0);
            Buffer b = empty ? call.allocate(0) : in.get(1);
            Buffer bias = p.bias() ? in.get(empty ? 0 : 2) : null;
            Buffer out = call.allocate((long) p.m() * p.n());
            call.backend().gemmBiasActivation(activation, alpha(activation), p.transposeA(), p.transposeB(), p.m(),
                    p.n(), p.k(), a, b, bias, out);
            return List.of(call.output("out", out));
        });
    }

    /**
     * The gradient of a random cotangent through y = f(x), y from the same backend's {@code unary}; the bias gradient
     * of every shape, none once, and gradIn written over gradOut once.
     */
    private static OpSpec backward(Activation activation) {
        List<OpCase> cases = new ArrayList<>();
        for (int[] dims : ROWS) {
            cases.add(backwardCase(activation, dims[0], dims[1], true, false));
        }
        cases.add(backwardCase(activation, 7, 93, false, false));
        cases.add(backwardCase(activation, 63, 65, true, true));
        cases.add(backwardCase(activation, 33, 48, false, true));
        return new OpSpec("bias_activation_backward." + Labels.name(activation),
                List.of(Coverage.of("biasActivationBackward", activation)), cases);
    }

    private static OpCase backwardCase(Activation activation, int rows, int cols, boolean bias, boolean inPlace) {
        long length = (long) rows * cols;
        List<Input> inputs = List.of(new Input("x", Math.toIntExact(length), InputRange.uniform(-2, 2)),
                new Input("gradOut", Math.toIntExact(length), InputRange.uniform(-1, 1)));
        String label = Labels.shape(rows, cols) + (bias ? "" : ",no bias") + (inPlace ? ",in place" : "");
        Tolerances tolerances = Tolerances.accumulated(rows, Tolerances.derivative(), "column sum");
        return new OpCase(label, rows == 7 && bias, inputs, tolerances, (call, in) -> {
            double alpha = alpha(activation);
            Buffer y = call.allocate(length);
            call.backend().unary(activation.unary(), activation.unaryA(alpha), 0, in.get(0), y);
            Buffer gradIn = inPlace ? in.get(1) : call.allocate(length);
            Buffer gradBias = bias ? call.allocate(cols) : null;
            call.backend().biasActivationBackward(activation, alpha, rows, cols, y, in.get(1), gradIn, gradBias);
            List<Output> outputs = new ArrayList<>();
            outputs.add(call.output("gradIn", gradIn));
            if (bias) {
                outputs.add(call.output("gradBias", gradBias));
            }
            return outputs;
        });
    }

    private static OpSpec updateGroup(UpdateRule rule) {
        UpdateParameters decayed = new UpdateParameters(0.0125, 0.9, 0.999, 1e-7, 0.01, 5);
        List<OpCase> cases = new ArrayList<>();
        for (int[] lengths : GROUPS) {
            cases.add(updateGroupCase(rule, lengths, decayed));
        }
        return new OpSpec("update_group." + Labels.name(rule), List.of(Coverage.of("updateGroup", rule)), cases);
    }

    private static OpCase updateGroupCase(UpdateRule rule, int[] lengths, UpdateParameters parameters) {
        int perParameter = 2 + rule.stateCount();
        List<Input> inputs = new ArrayList<>();
        StringBuilder label = new StringBuilder(lengths.length + " params");
        for (int i = 0; i < lengths.length; i++) {
            inputs.add(new Input("param " + i, lengths[i], InputRange.uniform(-1, 1)));
            inputs.add(new Input("grad " + i, lengths[i], InputRange.uniform(-1, 1)));
            for (int s = 0; s < rule.stateCount(); s++) {
                // Square-based states (Adam's second moment, RMSprop, Adagrad) are never negative.
                boolean squares = rule == UpdateRule.RMSPROP || rule == UpdateRule.ADAGRAD || s == 1;
                inputs.add(new Input("state " + i + "." + s, lengths[i], squares ? InputRange.uniform(0, 0.5)
                        : InputRange.uniform(-0.1, 0.1)));
            }
            label.append(i == 0 ? ":" : ",").append(lengths[i]);
        }
        return new OpCase(label.toString(), lengths.length == 3, inputs, Tolerances.elementwise(), (call, in) -> {
            Buffer[] params = new Buffer[lengths.length];
            Buffer[] grads = new Buffer[lengths.length];
            Buffer[][] states = new Buffer[lengths.length][];
            for (int i = 0; i < lengths.length; i++) {
                int at = i * perParameter;
                params[i] = in.get(at);
                grads[i] = in.get(at + 1);
                states[i] = in.subList(at + 2, at + perParameter).toArray(Buffer[]::new);
            }
            call.backend().updateGroup(rule, parameters, params, grads, states);
            List<Output> outputs = new ArrayList<>();
            for (int i = 0; i < lengths.length; i++) {
                outputs.add(call.output("param " + i, params[i]));
                for (int s = 0; s < states[i].length; s++) {
                    outputs.add(call.output("state " + i + "." + s, states[i][s]));
                }
            }
            return outputs;
        });
    }
}
