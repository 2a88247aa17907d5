// Row-wise softmax and log-softmax with their backward passes, and fused softmax cross-entropy.
// Kernels: softmax, log_softmax, softmax_backward, log_softmax_backward, softmax_cross_entropy,
// softmax_cross_entropy_backward (one work-item per row: short rows on a GPU), each also as <name>_vector (the VW
// rows from r = VW * the work-item's index, one per lane: CPU devices, where PoCL vectorises across work-items only
// bodies without loops, so that the row kernels called exp one element at a time) and as <name>_group (one
// work-group per row, its sums and maxima combined in the local memory `scratch`, one real per work-item: long rows
// on a GPU); softmax_cross_entropy_total (the losses' sum too, all in one work-group, for small products).
// Tuning macros: VW, INDEX_BITS (common.cl). Assumptions: capped 1-D ranges, each kernel a grid-stride loop over its
// rows (FOR_EACH), its blocks of VW rows, or rows of work-groups (FOR_EACH_GROUP); the _group kernels run in
// work-groups of a power of two work-items.

// The row kernels and their _vector twins are written once, as <NAME>_BODY(P) over a layout P: ROW (row r) or LANES
// (rows r to r + VW - 1, the rows past the last repeating it and never stored). P##_T holds one element of each row;
// P##_AT(buffer, stride, c) reads element c of each row of a buffer whose rows are stride apart, P##_PUT writes it.
#define ROW_T real
#define ROW_AT(buffer, stride, c) (buffer)[(index_t) r * (stride) + (c)]
#define ROW_PUT(buffer, stride, c, v) ((buffer)[(index_t) r * (stride) + (c)] = (v))
#define LANES_T realV
#define LANES_AT(buffer, stride, c) lanes_at((buffer), rows, r, (stride), (c))
#define LANES_PUT(buffer, stride, c, v) lanes_put((buffer), rows, r, (stride), (c), (v))

static inline realV lanes_at(__global const real* buffer, const int rows, const index_t r, const int stride,
                             const int c) {
    real lanes[VW];
#pragma unroll
    for (int lane = 0; lane < VW; lane++) {
        lanes[lane] = buffer[(index_t) min((int) r + lane, rows - 1) * stride + c];
    }
    return VLOAD(lanes);
}

static inline void lanes_put(__global real* buffer, const int rows, const index_t r, const int stride, const int c,
                             const realV v) {
    real lanes[VW];
    VSTORE(v, lanes);
    for (int lane = 0; lane < VW && (int) r + lane < rows; lane++) {
        buffer[(r + lane) * stride + c] = lanes[lane];
    }
}

// A kernel over rows in both layouts: NAME (FOR_EACH row) and NAME##_vector (FOR_EACH block of VW rows).
#define ROW_KERNELS(NAME, BODY, ...) \
__kernel void NAME(__VA_ARGS__) { \
    FOR_EACH(r, rows) { \
        BODY(ROW) \
    } \
} \
__kernel void NAME##_vector(__VA_ARGS__) { \
    FOR_EACH(block, (rows + VW - 1) / VW) { \
        const index_t r = block * VW; \
        BODY(LANES) \
    } \
}

// m: the largest element of each row of xs; s: the sum of exp(x - m) over it.
#define ROWS_MAX(P, m, xs) \
    P##_T m = P##_AT(xs, cols, 0); \
    for (int c = 1; c < cols; c++) { \
        const P##_T next = P##_AT(xs, cols, c); \
        m = KILN_MAX(m, next); \
    }
#define ROWS_EXP_SUM(P, s, xs, m) \
    P##_T s = (P##_T) 0; \
    for (int c = 0; c < cols; c++) { \
        s += exp(P##_AT(xs, cols, c) - m); \
    }

#define SOFTMAX_BODY(P) \
    ROWS_MAX(P, m, xs) \
    ROWS_EXP_SUM(P, s, xs, m) \
    for (int c = 0; c < cols; c++) { \
        P##_PUT(out, cols, c, exp(P##_AT(xs, cols, c) - m) / s); \
    }
ROW_KERNELS(softmax, SOFTMAX_BODY, const int rows, const int cols, __global const real* xs, __global real* out)

#define LOG_SOFTMAX_BODY(P) \
    ROWS_MAX(P, m, xs) \
    ROWS_EXP_SUM(P, s, xs, m) \
    const P##_T logSum = log(s); \
    for (int c = 0; c < cols; c++) { \
        P##_PUT(out, cols, c, P##_AT(xs, cols, c) - m - logSum); \
    }
ROW_KERNELS(log_softmax, LOG_SOFTMAX_BODY, const int rows, const int cols, __global const real* xs,
            __global real* out)

// gradIn = y * (gradOut - sum(gradOut * y)).
#define SOFTMAX_BACKWARD_BODY(P) \
    P##_T dot = (P##_T) 0; \
    for (int c = 0; c < cols; c++) { \
        dot += P##_AT(gradOut, cols, c) * P##_AT(ys, cols, c); \
    } \
    for (int c = 0; c < cols; c++) { \
        P##_PUT(gradIn, cols, c, P##_AT(ys, cols, c) * (P##_AT(gradOut, cols, c) - dot)); \
    }
ROW_KERNELS(softmax_backward, SOFTMAX_BACKWARD_BODY, const int rows, const int cols, __global const real* ys,
            __global const real* gradOut, __global real* gradIn)

// gradIn = gradOut - exp(y) * sum(gradOut).
#define LOG_SOFTMAX_BACKWARD_BODY(P) \
    P##_T total = (P##_T) 0; \
    for (int c = 0; c < cols; c++) { \
        total += P##_AT(gradOut, cols, c); \
    } \
    for (int c = 0; c < cols; c++) { \
        P##_PUT(gradIn, cols, c, P##_AT(gradOut, cols, c) - exp(P##_AT(ys, cols, c)) * total); \
    }
ROW_KERNELS(log_softmax_backward, LOG_SOFTMAX_BACKWARD_BODY, const int rows, const int cols, __global const real* ys,
            __global const real* gradOut, __global real* gradIn)

// Row(s) r of probabilities = softmax(logits); loss = -sum_c targets[r, c] * log_softmax(logits)[r, c], adding
// nothing for zero targets, so that a -infinity log-probability there costs nothing.
#define CROSS_ENTROPY_BODY(P) \
    ROWS_MAX(P, m, logits) \
    ROWS_EXP_SUM(P, s, logits, m) \
    const P##_T logSum = log(s); \
    P##_T loss = (P##_T) 0; \
    for (int c = 0; c < cols; c++) { \
        const P##_T x = P##_AT(logits, cols, c); \
        const P##_T t = P##_AT(targets, cols, c); \
        P##_PUT(probabilities, cols, c, exp(x - m) / s); \
        loss -= t != (P##_T) 0 ? t * (x - m - logSum) : (P##_T) 0; \
    }

// probabilities = softmax(logits); losses[r] = the cross-entropy of row r.
#define SOFTMAX_CROSS_ENTROPY_BODY(P) \
    CROSS_ENTROPY_BODY(P) \
    P##_PUT(losses, 1, 0, loss);
ROW_KERNELS(softmax_cross_entropy, SOFTMAX_CROSS_ENTROPY_BODY, const int rows, const int cols,
            __global const real* logits, __global const real* targets, __global real* probabilities,
            __global real* losses)

// gradLogits[r, c] = g * (probabilities[r, c] * sum_c' targets[r, c'] - targets[r, c]), g = scale *
// gradLosses[r * gradStride] (a stride of 0: one loss gradient, of a mean or sum, shared by every row).
#define SOFTMAX_CROSS_ENTROPY_BACKWARD_BODY(P) \
    P##_T targetSum = (P##_T) 0; \
    for (int c = 0; c < cols; c++) { \
        targetSum += P##_AT(targets, cols, c); \
    } \
    const P##_T g = scale * P##_AT(gradLosses, gradStride, 0); \
    for (int c = 0; c < cols; c++) { \
        P##_PUT(gradLogits, cols, c, g * (P##_AT(probabilities, cols, c) * targetSum - P##_AT(targets, cols, c))); \
    }
ROW_KERNELS(softmax_cross_entropy_backward, SOFTMAX_CROSS_ENTROPY_BACKWARD_BODY, const int rows, const int cols,
            __global const real* probabilities, __global const real* targets, __global const real* gradLosses,
            __global real* gradLogits, const int gradStride, const real scale)

// The cross-entropy of row r, its probabilities stored (softmax_cross_entropy_total's rows).
static inline real row_cross_entropy(const index_t r, const int cols, __global const real* logits,
                                     __global const real* targets, __global real* probabilities) {
    CROSS_ENTROPY_BODY(ROW)
    return loss;
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
