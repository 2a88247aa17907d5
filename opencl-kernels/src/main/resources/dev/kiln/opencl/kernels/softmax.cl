// Row-wise softmax and log-softmax with their backward passes, and fused softmax cross-entropy.
// Kernels: softmax, log_softmax, softmax_backward, log_softmax_backward, softmax_cross_entropy,
// softmax_cross_entropy_backward (one work-item per row: short rows, and CPU devices, which run a work-group's
// work-items one after another), each also as <name>_group (one work-group per row, its sums and maxima combined in
// the local memory `scratch`, one real per work-item: long rows on a GPU); softmax_cross_entropy_total (the
// losses' sum too, all in one work-group, for small products).
// Tuning macros: INDEX_BITS (common.cl). Assumptions: capped 1-D ranges, each kernel a grid-stride loop over its
// rows (FOR_EACH) or over rows of work-groups (FOR_EACH_GROUP); the _group kernels run in work-groups of a power of
// two work-items.

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
    FOR_EACH(r, rows) {
        __global const real* x = xs + r * cols;
        __global real* y = out + r * cols;
        const real m = row_max(x, cols);
        const real s = row_exp_sum(x, cols, m);
        for (int c = 0; c < cols; c++) {
            y[c] = exp(x[c] - m) / s;
        }
    }
}

__kernel void log_softmax(const int rows, const int cols, __global const real* xs, __global real* out) {
    FOR_EACH(r, rows) {
        __global const real* x = xs + r * cols;
        __global real* y = out + r * cols;
        const real m = row_max(x, cols);
        const real logSum = log(row_exp_sum(x, cols, m));
        for (int c = 0; c < cols; c++) {
            y[c] = x[c] - m - logSum;
        }
    }
}

// gradIn = y * (gradOut - sum(gradOut * y)).
__kernel void softmax_backward(const int rows, const int cols, __global const real* ys, __global const real* gradOut,
                               __global real* gradIn) {
    FOR_EACH(r, rows) {
        __global const real* y = ys + r * cols;
        __global const real* g = gradOut + r * cols;
        real dot = 0;
        for (int c = 0; c < cols; c++) {
            dot += g[c] * y[c];
        }
        for (int c = 0; c < cols; c++) {
            gradIn[(index_t) r * cols + c] = y[c] * (g[c] - dot);
        }
    }
}

// gradIn = gradOut - exp(y) * sum(gradOut).
__kernel void log_softmax_backward(const int rows, const int cols, __global const real* ys,
                                   __global const real* gradOut, __global real* gradIn) {
    FOR_EACH(r, rows) {
        __global const real* y = ys + r * cols;
        __global const real* g = gradOut + r * cols;
        real total = 0;
        for (int c = 0; c < cols; c++) {
            total += g[c];
        }
        for (int c = 0; c < cols; c++) {
            gradIn[(index_t) r * cols + c] = g[c] - exp(y[c]) * total;
        }
    }
}

// Row r of probabilities = softmax(logits); returns -sum_c targets[r, c] * log_softmax(logits)[r, c], skipping
// zero targets so that a -infinity log-probability there costs nothing.
static inline real row_cross_entropy(const index_t r, const int cols, __global const real* logits,
                                     __global const real* targets, __global real* probabilities) {
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
    return loss;
}

// probabilities = softmax(logits); losses[r] = the cross-entropy of row r.
__kernel void softmax_cross_entropy(const int rows, const int cols, __global const real* logits,
                                    __global const real* targets, __global real* probabilities,
                                    __global real* losses) {
    FOR_EACH(r, rows) {
        losses[r] = row_cross_entropy(r, cols, logits, targets, probabilities);
    }
}

// gradLogits[r, c] = g * (probabilities[r, c] * sum_c' targets[r, c'] - targets[r, c]), g = scale *
// gradLosses[r * gradStride] (a stride of 0: one loss gradient, of a mean or sum, shared by every row).
__kernel void softmax_cross_entropy_backward(const int rows, const int cols, __global const real* probabilities,
                                             __global const real* targets, __global const real* gradLosses,
                                             __global real* gradLogits, const int gradStride, const real scale) {
    FOR_EACH(r, rows) {
        __global const real* p = probabilities + r * cols;
        __global const real* t = targets + r * cols;
        real targetSum = 0;
        for (int c = 0; c < cols; c++) {
            targetSum += t[c];
        }
        const real g = scale * gradLosses[r * gradStride];
        for (int c = 0; c < cols; c++) {
            gradLogits[(index_t) r * cols + c] = g * (p[c] * targetSum - t[c]);
        }
    }
}

// ---- one work-group per row ----

// The combination of every work-item's v over the work-group, returned to all of them; scratch holds one real per
// work-item and is free again on return.
#define GROUP_COMBINE(NAME, COMBINE) \
static inline real group_##NAME(const real v, __local real* scratch) { \
    const int lid = get_local_id(0); \
    scratch[lid] = v; \
    barrier(CLK_LOCAL_MEM_FENCE); \
    for (int step = get_local_size(0) / 2; step > 0; step /= 2) { \
        if (lid < step) { \
            scratch[lid] = COMBINE(scratch[lid], scratch[lid + step]); \
        } \
        barrier(CLK_LOCAL_MEM_FENCE); \
    } \
    const real result = scratch[0]; \
    barrier(CLK_LOCAL_MEM_FENCE); \
    return result; \
}

#define GROUP_ADD(a, b) ((a) + (b))
GROUP_COMBINE(sum, GROUP_ADD)
GROUP_COMBINE(max, KILN_MAX)

// probabilities = softmax(logits); total[0] = scale * the sum of the rows' cross-entropies, in one work-group (a
// range of exactly one group, `scratch` one real per work-item): work-item i sums rows i, i + size, ..., then the
// group adds those sums in a fixed order, so the total is the same run after run. For small products only.
__kernel void softmax_cross_entropy_total(const int rows, const int cols, __global const real* logits,
                                          __global const real* targets, __global real* probabilities,
                                          __global real* total, const real scale, __local real* scratch) {
    real sum = 0;
    for (int r = get_local_id(0); r < rows; r += get_local_size(0)) {
        sum += row_cross_entropy(r, cols, logits, targets, probabilities);
    }
    sum = group_sum(sum, scratch);
    if (get_local_id(0) == 0) {
        total[0] = scale * sum;
    }
}

// The work-group's strided walk over the columns of a row.
#define FOR_COLUMNS(c) for (int c = get_local_id(0); c < cols; c += get_local_size(0))

// The largest element of row x and the sum of exp(x - max) over it, for the whole work-group.
static inline real group_row_max(__global const real* x, const int cols, __local real* scratch) {
    real m = (real) -INFINITY;
    FOR_COLUMNS(c) {
        m = KILN_MAX(m, x[c]);
    }
    return group_max(m, scratch);
}

static inline real group_row_exp_sum(__global const real* x, const int cols, const real m, __local real* scratch) {
    real s = 0;
    FOR_COLUMNS(c) {
        s += exp(x[c] - m);
    }
    return group_sum(s, scratch);
}

__kernel void softmax_group(const int rows, const int cols, __global const real* xs, __global real* out,
                            __local real* scratch) {
    FOR_EACH_GROUP(r, rows) {
        __global const real* x = xs + r * cols;
        __global real* y = out + r * cols;
        const real m = group_row_max(x, cols, scratch);
        const real s = group_row_exp_sum(x, cols, m, scratch);
        FOR_COLUMNS(c) {
            y[c] = exp(x[c] - m) / s;
        }
    }
}

__kernel void log_softmax_group(const int rows, const int cols, __global const real* xs, __global real* out,
                                __local real* scratch) {
    FOR_EACH_GROUP(r, rows) {
        __global const real* x = xs + r * cols;
        __global real* y = out + r * cols;
        const real m = group_row_max(x, cols, scratch);
        const real logSum = log(group_row_exp_sum(x, cols, m, scratch));
        FOR_COLUMNS(c) {
            y[c] = x[c] - m - logSum;
        }
    }
}

__kernel void softmax_backward_group(const int rows, const int cols, __global const real* ys,
                                     __global const real* gradOut, __global real* gradIn, __local real* scratch) {
    FOR_EACH_GROUP(r, rows) {
        __global const real* y = ys + r * cols;
        __global const real* g = gradOut + r * cols;
        real dot = 0;
        FOR_COLUMNS(c) {
            dot += g[c] * y[c];
        }
        dot = group_sum(dot, scratch);
        FOR_COLUMNS(c) {
            gradIn[r * cols + c] = y[c] * (g[c] - dot);
        }
    }
}

__kernel void log_softmax_backward_group(const int rows, const int cols, __global const real* ys,
                                         __global const real* gradOut, __global real* gradIn,
                                         __local real* scratch) {
    FOR_EACH_GROUP(r, rows) {
        __global const real* y = ys + r * cols;
        __global const real* g = gradOut + r * cols;
        real total = 0;
        FOR_COLUMNS(c) {
            total += g[c];
        }
        total = group_sum(total, scratch);
        FOR_COLUMNS(c) {
            gradIn[r * cols + c] = g[c] - exp(y[c]) * total;
        }
    }
}

__kernel void softmax_cross_entropy_group(const int rows, const int cols, __global const real* logits,
                                          __global const real* targets, __global real* probabilities,
                                          __global real* losses, __local real* scratch) {
    FOR_EACH_GROUP(r, rows) {
        __global const real* x = logits + r * cols;
        __global const real* t = targets + r * cols;
        __global real* p = probabilities + r * cols;
        const real m = group_row_max(x, cols, scratch);
        const real s = group_row_exp_sum(x, cols, m, scratch);
        const real logSum = log(s);
        real loss = 0;
        FOR_COLUMNS(c) {
            p[c] = exp(x[c] - m) / s;
            if (t[c] != 0) {
                loss -= t[c] * (x[c] - m - logSum);
            }
        }
        loss = group_sum(loss, scratch);
        if (get_local_id(0) == 0) {
            losses[r] = loss;
        }
    }
}

__kernel void softmax_cross_entropy_backward_group(const int rows, const int cols, __global const real* probabilities,
                                                   __global const real* targets, __global const real* gradLosses,
                                                   __global real* gradLogits, const int gradStride,
                                                   const real scale, __local real* scratch) {
    FOR_EACH_GROUP(r, rows) {
        __global const real* p = probabilities + r * cols;
        __global const real* t = targets + r * cols;
        real targetSum = 0;
        FOR_COLUMNS(c) {
            targetSum += t[c];
        }
        targetSum = group_sum(targetSum, scratch);
        const real g = scale * gradLosses[r * gradStride];
        FOR_COLUMNS(c) {
            gradLogits[r * cols + c] = g * (p[c] * targetSum - t[c]);
        }
    }
}
