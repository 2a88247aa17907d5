// Reductions along the middle axis of x viewed as [outer, middle, inner], and one-hot encoding.
// Kernels: reduce_<op> (one work-item per output, a 1-D range over outer * inner) and reduce_<op>_rows
// (inner == 1: one work-group of RWG work-items per row, tree-combined in local memory), one_hot.
// Sums accumulate in the element type (the CPU backend accumulates in double; the parity tolerances cover it).
// Tuning macros: RWG (work-group size of the row kernels, a power of two, default 64).
// Assumptions: middle >= 1; MAX and MIN propagate NaN; ARGMAX treats NaN as the largest value, keeps the
// first index among equals and stores it as a real.
#ifndef RWG
#define RWG 64
#endif

#define ADD(acc, v) ((acc) + (v))
#define IDENTITY(acc, count) (acc)
#define AVERAGE(acc, count) ((acc) / (real) (count))

#define REDUCE(NAME, COMBINE, FINISH) \
__kernel void reduce_##NAME(const long n, const int middle, const int inner, __global const real* x, \
        __global real* out) { \
    const size_t q = get_global_id(0); \
    if (q >= n) return; \
    const size_t o = q / inner, i = q % inner; \
    __global const real* p = x + o * middle * inner + i; \
    real acc = p[0]; \
    for (int m = 1; m < middle; m++) { \
        acc = COMBINE(acc, p[m * inner]); \
    } \
    out[q] = FINISH(acc, middle); \
} \
__kernel void reduce_##NAME##_rows(const int middle, __global const real* x, __global real* out) { \
    __local real partial[RWG]; \
    const size_t lid = get_local_id(0), o = get_group_id(0); \
    __global const real* p = x + o * middle; \
    real acc = p[lid < middle ? lid : 0]; \
    for (int m = lid + RWG; m < middle; m += RWG) { \
        acc = COMBINE(acc, p[m]); \
    } \
    partial[lid] = acc; \
    barrier(CLK_LOCAL_MEM_FENCE); \
    for (int step = RWG / 2; step > 0; step /= 2) { \
        if (lid < step && lid + step < middle) { \
            partial[lid] = COMBINE(partial[lid], partial[lid + step]); \
        } \
        barrier(CLK_LOCAL_MEM_FENCE); \
    } \
    if (lid == 0) { \
        out[o] = FINISH(partial[0], middle); \
    } \
}

REDUCE(sum, ADD, IDENTITY)
REDUCE(mean, ADD, AVERAGE)
REDUCE(max, KILN_MAX, IDENTITY)
REDUCE(min, KILN_MIN, IDENTITY)

__kernel void reduce_argmax(const long n, const int middle, const int inner, __global const real* x,
                            __global real* out) {
    const size_t q = get_global_id(0);
    if (q >= n) return;
    const size_t o = q / inner, i = q % inner;
    __global const real* p = x + o * middle * inner + i;
    real best = p[0];
    int index = 0;
    for (int m = 1; m < middle && !isnan(best); m++) {
        const real v = p[m * inner];
        if (v > best || isnan(v)) {
            best = v;
            index = m;
        }
    }
    out[q] = (real) index;
}

__kernel void reduce_argmax_rows(const int middle, __global const real* x, __global real* out) {
    __local real bestValue[RWG];
    __local int bestIndex[RWG];
    const size_t lid = get_local_id(0), o = get_group_id(0);
    __global const real* p = x + o * middle;
    int index = lid < middle ? (int) lid : 0;
    real best = p[index];
    for (int m = lid + RWG; m < middle && !isnan(best); m += RWG) {
        if (p[m] > best || isnan(p[m])) {
            best = p[m];
            index = m;
        }
    }
    bestValue[lid] = best;
    bestIndex[lid] = index;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int step = RWG / 2; step > 0; step /= 2) {
        if (lid < step && lid + step < middle) {
            const real v = bestValue[lid + step];
            const int j = bestIndex[lid + step];
            const real b = bestValue[lid];
            const bool equal = v == b || (isnan(v) && isnan(b));
            if ((isnan(v) && !isnan(b)) || v > b || (equal && j < bestIndex[lid])) {
                bestValue[lid] = v;
                bestIndex[lid] = j;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        out[o] = (real) bestIndex[0];
    }
}

// out[r, c] = 1 if indices[r] == c else 0, with int indices; one work-item per element of out.
__kernel void one_hot(const long n, const int classes, __global const int* indices, __global real* out) {
    const size_t q = get_global_id(0);
    if (q >= n) return;
    out[q] = indices[q / classes] == (int) (q % classes) ? (real) 1 : (real) 0;
}
