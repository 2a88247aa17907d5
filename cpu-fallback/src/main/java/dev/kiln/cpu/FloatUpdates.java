package dev.kiln.cpu;

import dev.kiln.backend.UpdateParameters;
import dev.kiln.backend.UpdateRule;

/**
 * F32 fused optimizer steps in float arithmetic, term by term as {@link UpdateRule} writes them (Java
 * evaluates left to right, without fused multiply-adds): g = grad + weightDecay * p (always added, also when
 * the decay is 0); the hyper-parameters are rounded to float first, Adam's bias corrections 1 - beta^t are
 * computed in double with {@link Math#pow} and then rounded; sqrt is the correctly rounded float square root.
 */
final class FloatUpdates {
    private static final int GRAIN = 1 << 15;

    private FloatUpdates() {
    }

    static void update(UpdateRule rule, UpdateParameters parameters, float[] p, float[] grad, float[][] states, int length) {
        float lr = (float) parameters.learningRate();
        float beta1 = (float) parameters.beta1();
        float beta2 = (float) parameters.beta2();
        float eps = (float) parameters.epsilon();
        float decay = (float) parameters.weightDecay();
        float correction1 = (float) (1 - Math.pow(parameters.beta1(), parameters.step()));
        float correction2 = (float) (1 - Math.pow(parameters.beta2(), parameters.step()));
        WorkPool.forRange(length, GRAIN, (from, to) -> {
            switch (rule) {
                case SGD -> {
                    for (int i = from; i < to; i++) {
                        float g = grad[i] + decay * p[i];
                        p[i] = p[i] - lr * g;
                    }
                }
                case MOMENTUM -> {
                    float[] v = states[0];
                    for (int i = from; i < to; i++) {
                        float g = grad[i] + decay * p[i];
                        v[i] = beta1 * v[i] + g;
                        p[i] = p[i] - lr * v[i];
                    }
                }
                case NESTEROV -> {
                    float[] v = states[0];
                    for (int i = from; i < to; i++) {
                        float g = grad[i] + decay * p[i];
                        v[i] = beta1 * v[i] + g;
                        p[i] = p[i] - lr * (g + beta1 * v[i]);
                    }
                }
                case ADAM, ADAMW -> {
                    float[] m = states[0];
                    float[] v = states[1];
                    boolean decoupled = rule == UpdateRule.ADAMW;
                    // One division and one square root per element, in the order optim.cl computes them.
                    float stepSize = lr / correction1;
                    float scale2 = 1 / sqrt(correction2);
                    for (int i = from; i < to; i++) {
                        float g = decoupled ? grad[i] : grad[i] + decay * p[i];
                        m[i] = beta1 * m[i] + (1 - beta1) * g;
                        v[i] = beta2 * v[i] + (1 - beta2) * (g * g);
                        float step = stepSize * m[i] / (sqrt(v[i]) * scale2 + eps);
                        p[i] = decoupled ? p[i] - step - lr * decay * p[i] : p[i] - step;
                    }
                }
                case RMSPROP -> {
                    float[] s = states[0];
                    for (int i = from; i < to; i++) {
                        float g = grad[i] + decay * p[i];
                        s[i] = beta1 * s[i] + (1 - beta1) * (g * g);
                        p[i] = p[i] - lr * g / (sqrt(s[i]) + eps);
                    }
                }
                case ADAGRAD -> {
                    float[] s = states[0];
                    for (int i = from; i < to; i++) {
                        float g = grad[i] + decay * p[i];
                        s[i] = s[i] + g * g;
                        p[i] = p[i] - lr * g / (sqrt(s[i]) + eps);
                    }
                }
            }
        });
    }

    private static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }
}
