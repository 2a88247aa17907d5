// Fused optimizer updates, in place on the parameter p and its state buffers.
// Kernels: update_sgd, update_momentum, update_nesterov, update_adam, update_adamw, update_rmsprop,
// update_adagrad. Every kernel takes the same hyper-parameters: learning rate, beta1, beta2, epsilon,
// weight decay, and the bias corrections c1 = 1 - beta1^t and c2 = 1 - beta2^t (computed on the host).
// Tuning macros: INDEX_BITS (common.cl). Assumptions: a capped 1-D range, each kernel a grid-stride loop over the
// n elements.

#define HYPER const long n, const real lr, const real beta1, const real beta2, const real eps, const real decay, \
              const real c1, const real c2

__kernel void update_sgd(HYPER, __global real* p, __global const real* grad) {
    FOR_EACH(i, n) {
        const real g = grad[i] + decay * p[i];
        p[i] = p[i] - lr * g;
    }
}

__kernel void update_momentum(HYPER, __global real* p, __global const real* grad, __global real* velocity) {
    FOR_EACH(i, n) {
        const real g = grad[i] + decay * p[i];
        const real v = beta1 * velocity[i] + g;
        velocity[i] = v;
        p[i] = p[i] - lr * v;
    }
}

__kernel void update_nesterov(HYPER, __global real* p, __global const real* grad, __global real* velocity) {
    FOR_EACH(i, n) {
        const real g = grad[i] + decay * p[i];
        const real v = beta1 * velocity[i] + g;
        velocity[i] = v;
        p[i] = p[i] - lr * (g + beta1 * v);
    }
}

// Updates the moments and returns lr * (m / c1) / (sqrt(v / c2) + eps).
static inline real adam_step(const real g, __global real* m1, __global real* m2, const index_t i, const real lr,
                      const real beta1, const real beta2, const real eps, const real c1, const real c2) {
    const real m = beta1 * m1[i] + (1 - beta1) * g;
    const real v = beta2 * m2[i] + (1 - beta2) * (g * g);
    m1[i] = m;
    m2[i] = v;
    return lr * (m / c1) / (sqrt(v / c2) + eps);
}

__kernel void update_adam(HYPER, __global real* p, __global const real* grad, __global real* m1, __global real* m2) {
    FOR_EACH(i, n) {
        const real g = grad[i] + decay * p[i];
        p[i] = p[i] - adam_step(g, m1, m2, i, lr, beta1, beta2, eps, c1, c2);
    }
}

__kernel void update_adamw(HYPER, __global real* p, __global const real* grad, __global real* m1, __global real* m2) {
    FOR_EACH(i, n) {
        const real before = p[i];
        const real step = adam_step(grad[i], m1, m2, i, lr, beta1, beta2, eps, c1, c2);
        p[i] = before - step - lr * decay * before;
    }
}

__kernel void update_rmsprop(HYPER, __global real* p, __global const real* grad, __global real* meanSquare) {
    FOR_EACH(i, n) {
        const real g = grad[i] + decay * p[i];
        const real s = beta1 * meanSquare[i] + (1 - beta1) * (g * g);
        meanSquare[i] = s;
        p[i] = p[i] - lr * g / (sqrt(s) + eps);
    }
}

__kernel void update_adagrad(HYPER, __global real* p, __global const real* grad, __global real* sumSquares) {
    FOR_EACH(i, n) {
        const real g = grad[i] + decay * p[i];
        const real s = sumSquares[i] + g * g;
        sumSquares[i] = s;
        p[i] = p[i] - lr * g / (sqrt(s) + eps);
    }
}
