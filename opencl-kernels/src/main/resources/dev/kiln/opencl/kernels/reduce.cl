// Reductions along the middle axis of x viewed as [outer, middle, inner], and one-hot encoding.
// Kernels: reduce_<op> (one work-item per output, a 1-D range over outer * inner), reduce_<op>_rows
// (inner == 1: one work-group of RWG work-items per part of a row, tree-combined in local memory; a row of one part
// is reduced in one launch, a long row in few rows of several parts in two, the second combining the parts' results
// in order, so that a single vector keeps many work-groups busy), reduce_<op>_chunks (the
// first pass over a long middle axis: chunks of rows combined in parallel, VW outputs per work-item; reduce_<op>
// then combines the chunks in order, so the result depends only on the shape), argmax_matches (categorical accuracy's
// count), one_hot, histogram_chunks and
// histogram_sum (bin counts without atomics: each work-item counts one chunk into its own row of partial counts,
// then one work-item per bin adds the rows).
// Sums accumulate in the element type (the CPU backend accumulates in double; the parity tolerances cover it).
// Tuning macros: RWG (work-group size of the row kernels, a power of two, default 64), VW, INDEX_BITS (common.cl).
// Assumptions: middle >= 1; MAX and MIN propagate NaN; ARGMAX treats NaN as the largest value, keeps the
// first index among equals and stores it as a real; the _rows kernels run in work-groups of exactly RWG (declared
// with reqd_work_group_size); every kernel loops over its outputs (or rows, or parts) in a grid-stride loop.
#ifndef RWG
#define RWG 64
#endif

#define ADD(acc, v) ((acc) + (v))
#define IDENTITY(acc, count) (acc)
#define AVERAGE(acc, count) ((acc) / (real) (count))

// reduce_<op>: count is what MEAN divides by: middle, or the rows behind x when x holds reduce_<op>_chunks results.
// reduce_<op>_rows: out[o * parts + s] combines x[o, s * part .. min(middle, (s + 1) * part)) for rows [0, rows),
// MEAN dividing by count (1 for a first pass of parts, which the second pass then combines as a row).
// reduce_<op>_chunks: partial[o, c, i .. i + VW) combines rows [c * chunk, min(middle, (c + 1) * chunk)) of
// x[o, :, i .. i + VW), for n = outer * chunks * inner / VW work-items (n < 2^31, VW divides inner); byInnerVectors
// and byChunks are the divide() constants of inner / VW and chunks.
#define REDUCE(NAME, COMBINE, FINISH) \
__kernel void reduce_##NAME(const long n, const int middle, const int inner, const int count, \
        __global const real* x, __global real* out) { \
    FOR_EACH(q, n) { \
        const index_t o = q / inner, i = q % inner; \
        __global const real* p = x + o * middle * inner + i; \
        real acc = p[0]; \
        for (int m = 1; m < middle; m++) { \
            acc = COMBINE(acc, p[(index_t) m * inner]); \
        } \
        out[q] = FINISH(acc, count); \
    } \
} \
__kernel void reduce_##NAME##_chunks(const long n, const int middle, const int inner, const int chunk, \
        const int chunks, const uint2 byInnerVectors, const uint2 byChunks, __global const real* x, \
        __global real* partial) { \
    FOR_EACH(item, n) { \
        const int q = item, innerVectors = inner / VW; \
        const int oc = divide(q, byInnerVectors), i = (q - oc * innerVectors) * VW; \
        const int o = divide(oc, byChunks), m0 = (oc - o * chunks) * chunk, m1 = min(middle, m0 + chunk); \
        __global const real* p = x + ((index_t) o * middle + m0) * inner + i; \
        realV acc = VLOAD(p); \
        for (int m = m0 + 1; m < m1; m++) { \
            p += inner; \
            acc = COMBINE(acc, VLOAD(p)); \
        } \
        VSTORE(acc, partial + (index_t) oc * inner + i); \
    } \
} \
__kernel __attribute__((reqd_work_group_size(RWG, 1, 1))) \
void reduce_##NAME##_rows(const int rows, const int middle, const int parts, const int part, const int count, \
        __global const real* x, __global real* out) { \
    __local real partial[RWG]; \
    const int lid = get_local_id(0); \
    FOR_EACH_GROUP(g, (index_t) rows * parts) { \
        const index_t o = g / parts; \
        const int m0 = (g - o * parts) * part, length = min(middle - m0, part); \
        __global const real* p = x + o * middle + m0; \
        real acc = p[lid < length ? lid : 0]; \
        for (int m = lid + RWG; m < length; m += RWG) { \
            acc = COMBINE(acc, p[m]); \
        } \
        partial[lid] = acc; \
        barrier(CLK_LOCAL_MEM_FENCE); \
        for (int step = RWG / 2; step > 0; step /= 2) { \
            if (lid < step && lid + step < length) { \
                partial[lid] = COMBINE(partial[lid], partial[lid + step]); \
            } \
            barrier(CLK_LOCAL_MEM_FENCE); \
        } \
        if (lid == 0) { \
            out[g] = FINISH(partial[0], count); \
        } \
        barrier(CLK_LOCAL_MEM_FENCE); \
    } \
}

REDUCE(sum, ADD, IDENTITY)
REDUCE(mean, ADD, AVERAGE)
REDUCE(max, KILN_MAX, IDENTITY)
REDUCE(min, KILN_MIN, IDENTITY)

__kernel void reduce_argmax(const long n, const int middle, const int inner, __global const real* x,
                            __global real* out) {
    FOR_EACH(q, n) {
        const index_t o = q / inner, i = q % inner;
        __global const real* p = x + o * middle * inner + i;
        real best = p[0];
        int index = 0;
        for (int m = 1; m < middle && !isnan(best); m++) {
            const real v = p[(index_t) m * inner];
            if (v > best || isnan(v)) {
                best = v;
                index = m;
            }
        }
        out[q] = (real) index;
    }
}

__kernel __attribute__((reqd_work_group_size(RWG, 1, 1)))
void reduce_argmax_rows(const int rows, const int middle, __global const real* x, __global real* out) {
    __local real bestValue[RWG];
    __local int bestIndex[RWG];
    const int lid = get_local_id(0);
    FOR_EACH_GROUP(o, rows) {
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
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

// The column of the first largest element of p[0, cols), NaN counting as the largest (as reduce_argmax).
static inline int row_argmax(__global const real* p, const int cols) {
    real best = p[0];
    int index = 0;
    for (int c = 1; c < cols && !isnan(best); c++) {
        if (p[c] > best || isnan(p[c])) {
            best = p[c];
            index = c;
        }
    }
    return index;
}

// total[0] += how many rows r of predictions [rows, cols] have their row_argmax at label(r): the row_argmax of
// labels [rows, cols], or (argmax_matches_indices) the int labels[r]. One work-group: each work-item counts rows
// lid, lid + RWG, ..., the counts are added in local memory, and work-item 0 adds them to the total, so the
// call is one launch and no atomics are needed.
#define ARGMAX_MATCHES(NAME, LABEL_TYPE, LABEL) \
__kernel __attribute__((reqd_work_group_size(RWG, 1, 1))) \
void NAME(const int rows, const int cols, __global const real* predictions, __global const LABEL_TYPE* labels, \
          __global real* total) { \
    __local int counts[RWG]; \
    const int lid = get_local_id(0); \
    int count = 0; \
    for (int r = lid; r < rows; r += RWG) { \
        count += row_argmax(predictions + (index_t) r * cols, cols) == (LABEL) ? 1 : 0; \
    } \
    counts[lid] = count; \
    barrier(CLK_LOCAL_MEM_FENCE); \
    for (int step = RWG / 2; step > 0; step /= 2) { \
        if (lid < step) { \
            counts[lid] += counts[lid + step]; \
        } \
        barrier(CLK_LOCAL_MEM_FENCE); \
    } \
    if (lid == 0) { \
        total[0] += (real) counts[0]; \
    } \
}

ARGMAX_MATCHES(argmax_matches, real, row_argmax(labels + (index_t) r * cols, cols))
ARGMAX_MATCHES(argmax_matches_indices, int, labels[r])

// out[r, c] = 1 if indices[r] == c else 0, with int indices; one work-item per element of out.
__kernel void one_hot(const long n, const int classes, __global const int* indices, __global real* out) {
    FOR_EACH(q, n) {
        out[q] = indices[q / classes] == (int) (q % classes) ? (real) 1 : (real) 0;
    }
}

// partial[c, b] = how many elements of chunk c, x[c * chunk, min(n, (c + 1) * chunk)), fall in bin b: bin
// (int) ((v - low) * scale) in the element type, high in the last bin, values outside [low, high] and NaN skipped.
// One work-item per chunk; it alone writes its row, so no atomics are needed.
__kernel void histogram_chunks(const long n, const int chunk, const int chunks, const int bins, const real low,
        const real high, const real scale, __global const real* x, __global int* partial) {
    FOR_EACH(c, chunks) {
        __global int* row = partial + c * bins;
        for (int b = 0; b < bins; b++) {
            row[b] = 0;
        }
        const long end = min(n, (long) (c + 1) * chunk);
        for (long i = (long) c * chunk; i < end; i++) {
            const real v = x[i];
            if (v >= low && v <= high) {
                row[min((int) ((v - low) * scale), bins - 1)]++;
            }
        }
    }
}

// counts[b] = sum over c of partial[c, b]; one work-item per bin.
__kernel void histogram_sum(const int chunks, const int bins, __global const int* partial, __global int* counts) {
    FOR_EACH(b, bins) {
        int total = 0;
        for (int c = 0; c < chunks; c++) {
            total += partial[c * bins + b];
        }
        counts[b] = total;
    }
}
