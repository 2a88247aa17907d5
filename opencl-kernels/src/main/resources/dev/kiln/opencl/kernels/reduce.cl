// Reductions along the middle axis of x viewed as [outer, middle, inner], and one-hot encoding.
// Kernels: reduce_<op> (one work-item per output, a 2-D range (inner, outer)) and reduce_<op>_rows
// (inner == 1: one work-group of RWG work-items per row, tree-combined in local memory), one_hot.
// Tuning macros: RWG (work-group size of the row kernels, a power of two, default 64).
// Assumptions: middle >= 1; ARGMAX keeps the first index on ties and stores it as a real.
#ifndef RWG
#define RWG 64
#endif

#define ADD(acc, v) ((acc) + (v))
#define IDENTITY(acc, count) (acc)
#define AVERAGE(acc, count) ((acc) / (real) (count))

#define REDUCE(NAME, COMBINE, FINISH) \
__kernel void reduce_##NAME(const int middle, __global const real* x, __global real* out) { \
    const size_t i = get_global_id(0), o = get_global_id(1), inner = get_global_size(0); \
    __global const real* p = x + o * middle * inner + i; \
    real acc = p[0]; \
    for (int m = 1; m < middle; m++) { \
        acc = COMBINE(acc, p[m * inner]); \
    } \
    out[o * inner + i] = FINISH(acc, middle); \
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
    for (int half = RWG / 2; half > 0; half /= 2) { \
        if (lid < half && lid + half < middle) { \
            partial[lid] = COMBINE(partial[lid], partial[lid + half]); \
        } \
        barrier(CLK_LOCAL_MEM_FENCE); \
    } \
    if (lid == 0) { \
        out[o] = FINISH(partial[0], middle); \
    } \
}

REDUCE(sum, ADD, IDENTITY)
REDUCE(mean, ADD, AVERAGE)
REDUCE(max, kiln_max, IDENTITY)
REDUCE(min, kiln_min, IDENTITY)

__kernel void reduce_argmax(const int middle, __global const real* x, __global real* out) {
    const size_t i = get_global_id(0), o = get_global_id(1), inner = get_global_size(0);
    __global const real* p = x + o * middle * inner + i;
    real best = p[0];
    int index = 0;
    for (int m = 1; m < middle; m++) {
        const real v = p[m * inner];
        if (v > best) {
            best = v;
            index = m;
        }
    }
    out[o * inner + i] = (real) index;
}

__kernel void reduce_argmax_rows(const int middle, __global const real* x, __global real* out) {
    __local real bestValue[RWG];
    __local int bestIndex[RWG];
    const size_t lid = get_local_id(0), o = get_group_id(0);
    __global const real* p = x + o * middle;
    int index = lid < middle ? (int) lid : 0;
    real best = p[index];
    for (int m = lid + RWG; m < middle; m += RWG) {
        if (p[m] > best) {
            best = p[m];
            index = m;
        }
    }
    bestValue[lid] = best;
    bestIndex[lid] = index;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int half = RWG / 2; half > 0; half /= 2) {
        if (lid < half && lid + half < middle) {
            const real v = bestValue[lid + half];
            const int j = bestIndex[lid + half];
            if (v > bestValue[lid] || (v == bestValue[lid] && j < bestIndex[lid])) {
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

// out[r, c] = 1 if indices[r] == c else 0; a 2-D range (classes, rows).
__kernel void one_hot(__global const real* indices, __global real* out) {
    const size_t c = get_global_id(0), r = get_global_id(1), classes = get_global_size(0);
    out[r * classes + c] = indices[r] == (real) c ? (real) 1 : (real) 0;
}
