// Row-wise softmax and log-softmax with their backward passes, and fused softmax cross-entropy.
// Kernels: softmax, log_softmax, softmax_backward, log_softmax_backward, softmax_cross_entropy,
// softmax_cross_entropy_backward.
// Tuning macros: none. Assumptions: one work-item per row; ranges are rounded up to the work-group size, so
// kernels check their index.

// The largest element of a row and the sum of exp(x - max) over it.
static inline real row_max(__global const real* x, const int cols) {
    real m = x[0];
    for (int c = 1; c < cols; c++) {
        m = KILN_MAX(m, x[c]);
    }
    return m;
}

static inline real row_exp_sum(__global const real* x, const int cols, const real m) {
    real s = 0;
    for (int c = 0; c < cols; c++) {
        s += exp(x[c] - m);
    }
    return s;
}

__kernel void softmax(const int rows, const int cols, __global const real* xs, __global real* out) {
    const size_t r = get_global_id(0);
    if (r >= rows) return;
    __global const real* x = xs + r * cols;
    __global real* y = out + r * cols;
    const real m = row_max(x, cols);
    const real s = row_exp_sum(x, cols, m);
    for (int c = 0; c < cols; c++) {
        y[c] = exp(x[c] - m) / s;
    }
}

__kernel void log_softmax(const int rows, const int cols, __global const real* xs, __global real* out) {
    const size_t r = get_global_id(0);
    if (r >= rows) return;
    __global const real* x = xs + r * cols;
    __global real* y = out + r * cols;
    const real m = row_max(x, cols);
    const real logSum = log(row_exp_sum(x, cols, m));
    for (int c = 0; c < cols; c++) {
        y[c] = x[c] - m - logSum;
    }
}

// gradIn = y * (gradOut - sum(gradOut * y)).
__kernel void softmax_backward(const int rows, const int cols, __global const real* ys, __global const real* gradOut,
                               __global real* gradIn) {
    const size_t r = get_global_id(0);
    if (r >= rows) return;
    __global const real* y = ys + r * cols;
    __global const real* g = gradOut + r * cols;
    real dot = 0;
    for (int c = 0; c < cols; c++) {
        dot += g[c] * y[c];
    }
    for (int c = 0; c < cols; c++) {
        gradIn[r * cols + c] = y[c] * (g[c] - dot);
    }
}

// gradIn = gradOut - exp(y) * sum(gradOut).
__kernel void log_softmax_backward(const int rows, const int cols, __global const real* ys, __global const real* gradOut,
                                   __global real* gradIn) {
    const size_t r = get_global_id(0);
    if (r >= rows) return;
    __global const real* y = ys + r * cols;
    __global const real* g = gradOut + r * cols;
    real total = 0;
    for (int c = 0; c < cols; c++) {
        total += g[c];
    }
    for (int c = 0; c < cols; c++) {
        gradIn[r * cols + c] = g[c] - exp(y[c]) * total;
    }
}

// probabilities = softmax(logits); losses[r] = -sum_c targets[r, c] * log_softmax(logits)[r, c], skipping
// zero targets so that a -infinity log-probability there costs nothing.
__kernel void softmax_cross_entropy(const int rows, const int cols, __global const real* logits, __global const real* targets,
                                    __global real* probabilities, __global real* losses) {
    const size_t r = get_global_id(0);
    if (r >= rows) return;
    __global const real* x = logits + r * cols;
    __global const real* t = targets + r * cols;
    __global real* p = probabilities + r * cols;
    const real m = row_max(x, cols);
    const real s = row_exp_sum(x, cols, m);
    const real logSum = log(s);
    real loss = 0;
    for (int c = 0; c < cols; c++) {
        p[c] = exp(x[c] - m) / s;
        if (t[c] != 0) {
            loss -= t[c] * (x[c] - m - logSum);
        }
    }
    losses[r] = loss;
}

// gradLogits[r, c] = gradLosses[r] * (probabilities[r, c] * sum_c' targets[r, c'] - targets[r, c]).
__kernel void softmax_cross_entropy_backward(const int rows, const int cols, __global const real* probabilities,
                                             __global const real* targets, __global const real* gradLosses,
                                             __global real* gradLogits) {
    const size_t r = get_global_id(0);
    if (r >= rows) return;
    __global const real* p = probabilities + r * cols;
    __global const real* t = targets + r * cols;
    real targetSum = 0;
    for (int c = 0; c < cols; c++) {
        targetSum += t[c];
    }
    const real scale = gradLosses[r];
    for (int c = 0; c < cols; c++) {
        gradLogits[r * cols + c] = scale * (p[c] * targetSum - t[c]);
    }
}
