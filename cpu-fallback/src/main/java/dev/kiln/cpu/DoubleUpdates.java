package dev.kiln.cpu;

import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;

/**
 * F64 fused optimizer steps, term by term as {@link UpdateRule} writes them: g = grad + weightDecay * p
 * (always added, also when the decay is 0), Adam's bias corrections 1 - beta^t from {@link Math#pow}.
 */
final class DoubleUpdates {
    private static final int GRAIN = 1 << 15;

    private DoubleUpdates() {
    }

    static void update(UpdateRule rule, UpdateParameters parameters, double[] p, double[] grad, double[][] states, int length) {
        double lr = parameters.learningRate();
        double beta1 = parameters.beta1();
        double beta2 = parameters.beta2();
        double eps = parameters.epsilon();
        double decay = parameters.weightDecay();
        double correction1 = 1 - Math.pow(parameters.beta1(), parameters.step());
        double correction2 = 1 - Math.pow(parameters.beta2(), parameters.step());
        WorkPool.forRange(length, GRAIN, (from, to) -> {
            switch (rule) {
                case SGD -> {
                    for (int i = from; i < to; i++) {
                        double g = grad[i] + decay * p[i];
                        p[i] = p[i] - lr * g;
                    }
                }
                case MOMENTUM -> {
                    double[] v = states[0];
                    for (int i = from; i < to; i++) {
                        double g = grad[i] + decay * p[i];
                        v[i] = beta1 * v[i] + g;
                        p[i] = p[i] - lr * v[i];
                    }
                }
                case NESTEROV -> {
                    double[] v = states[0];
                    for (int i = from; i < to; i++) {
                        double g = grad[i] + decay * p[i];
                        v[i] = beta1 * v[i] + g;
                        p[i] = p[i] - lr * (g + beta1 * v[i]);
                    }
                }
                case ADAM, ADAMW -> {
                    double[] m = states[0];
                    double[] v = states[1];
                    boolean decoupled = rule == UpdateRule.ADAMW;
                    // One division and one square root per element, in the order optim.cl computes them.
                    double stepSize = lr / correction1;
                    double scale2 = 1 / sqrt(correction2);
                    for (int i = from; i < to; i++) {
                        double g = decoupled ? grad[i] : grad[i] + decay * p[i];
                        m[i] = beta1 * m[i] + (1 - beta1) * g;
                        v[i] = beta2 * v[i] + (1 - beta2) * (g * g);
                        double step = stepSize * m[i] / (sqrt(v[i]) * scale2 + eps);
                        p[i] = decoupled ? p[i] - step - lr * decay * p[i] : p[i] - step;
                    }
                }
                case RMSPROP -> {
                    double[] s = states[0];
                    for (int i = from; i < to; i++) {
                        double g = grad[i] + decay * p[i];
                        s[i] = beta1 * s[i] + (1 - beta1) * (g * g);
                        p[i] = p[i] - lr * g / (sqrt(s[i]) + eps);
                    }
                }
                case ADAGRAD -> {
                    double[] s = states[0];
                    for (int i = from; i < to; i++) {
                        double g = grad[i] + decay * p[i];
                        s[i] = s[i] + g * g;
                        p[i] = p[i] - lr * g / (sqrt(s[i]) + eps);
                    }
                }
            }
        });
    }

    private static double sqrt(double x) {
        return Math.sqrt(x);
    }
}
