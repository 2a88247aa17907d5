// Element-wise unary functions with their backward passes, broadcasting binary functions, and the data
// movement kernels. Kernels: unary_<op> (out = f(x)), unary_<op>_backward (gradIn = gradOut * f'(x)),
// binary_<op> (any broadcast layout) and binary_<op>_vector (operands that span the output, one inner row or one
// value), transpose, copy_blocks (strided block copy) and copy_blocks_int (the same on int buffers), both also as
// <name>_vector, permute (axes of up to 6 dimensions), gather (row lookup) and scatter_add_links / scatter_add (its
// deterministic adjoint: no atomics, a fixed order of sums).
// The unary and binary_<op>_vector kernels move VW neighbouring elements per work-item as one vector (a CPU device
// pays a fixed cost per work-item; on a GPU neighbouring work-items still read neighbouring memory), the last
// work-item finishing a length that is not a multiple of VW one element at a time. Each function is written once
// over a type T, and instantiated for real and realV.
// Tuning macros: VW, INDEX_BITS (common.cl). Assumptions: capped 1-D ranges, every kernel a grid-stride loop over
// the element count it is given (FOR_EACH); indices (gather, scatter_add) are always int, whatever `real`.

#define UNARY(NAME, FORWARD, BACKWARD) \
static inline real NAME##_forward(const real x, const real a, const real b) { typedef real T; return (FORWARD); } \
static inline realV NAME##_forward_v(const realV x, const real a, const real b) { typedef realV T; return (FORWARD); } \
static inline real NAME##_backward(const real x, const real y, const real g, const real a, const real b) { \
    typedef real T; \
    return (BACKWARD); \
} \
static inline realV NAME##_backward_v(const realV x, const realV y, const realV g, const real a, const real b) { \
    typedef realV T; \
    return (BACKWARD); \
} \
__kernel void unary_##NAME(const long n, const real a, const real b, __global const real* xs, __global real* out) { \
    FOR_EACH(v, (n + VW - 1) / VW) { \
        const index_t i = v * VW; \
        if (i + VW <= n) { \
            VSTORE(NAME##_forward_v(VLOAD(xs + i), a, b), out + i); \
        } else { \
            for (index_t j = i; j < n; j++) out[j] = NAME##_forward(xs[j], a, b); \
        } \
    } \
} \
__kernel void unary_##NAME##_backward(const long n, const real a, const real b, __global const real* xs, \
        __global const real* ys, __global const real* gradOut, __global real* gradIn) { \
    FOR_EACH(v, (n + VW - 1) / VW) { \
        const index_t i = v * VW; \
        if (i + VW <= n) { \
            VSTORE(NAME##_backward_v(VLOAD(xs + i), VLOAD(ys + i), VLOAD(gradOut + i), a, b), gradIn + i); \
        } else { \
            for (index_t j = i; j < n; j++) gradIn[j] = NAME##_backward(xs[j], ys[j], gradOut[j], a, b); \
        } \
    } \
}

UNARY(affine, a * x + b, g * a)
UNARY(exp, exp(x), g * y)
UNARY(log, log(x), g / x)
UNARY(sqrt, sqrt(x), g / (2 * y))
UNARY(square, x * x, g * (2 * x))
UNARY(abs, fabs(x), x > 0 ? g : (x < 0 ? -g : (T) 0))
UNARY(reciprocal, 1 / x, -g * (y * y))
UNARY(relu, KILN_MAX(x, (T) 0), x > 0 ? g : (T) 0)
UNARY(leaky_relu, x > 0 ? x : a * x, x > 0 ? g : g * a)
UNARY(elu, x > 0 ? x : a * expm1(x), x > 0 ? g : g * (y + a))
UNARY(sigmoid, 1 / (1 + exp(-x)), g * (y * (1 - y)))
UNARY(tanh, tanh(x), g * (1 - y * y))
UNARY(softplus, KILN_MAX(x, (T) 0) + log1p(exp(-fabs(x))), g * (1 / (1 + exp(-x))))
UNARY(clip, KILN_MIN(KILN_MAX(x, (T) a), (T) b), (a <= x && x <= b) ? g : (T) 0)

// Index into an operand spanning the axes in `mask` (4 = outer, 2 = middle, 1 = inner) of output element
// q of an [outer, middle, inner] array.
static inline index_t operand_index(const int mask, const index_t q, const index_t middle, const index_t inner) {
    if (mask == 7) return q;
    const index_t i = q % inner, m = (q / inner) % middle, o = q / inner / middle;
    index_t index = (mask & 4) ? o : 0;
    if (mask & 2) index = index * middle + m;
    if (mask & 1) index = index * inner + i;
    return index;
}

// Operand kinds of binary_<op>_vector (OperandKind.java): FULL spans the output, ROW is one inner row repeated along
// the outer and middle axes, SCALAR is one value.
#define KIND_FULL 0
#define KIND_ROW 1
#define KIND_SCALAR 2

// The VW elements of an operand of `kind` at output element i, whose column in the inner row is `column`.
static inline realV operand_vector(const int kind, __global const real* p, const index_t i, const int column) {
    return kind == KIND_FULL ? VLOAD(p + i) : kind == KIND_ROW ? VLOAD(p + column) : (realV) p[0];
}

// binary_<op>_vector: n output elements, vector q of ceil(n / VW) < 2^31 covering [q * VW, q * VW + VW); the inner
// row is rowVectors = inner / VW vectors long (the host takes this kernel for a ROW operand only when VW divides the
// inner size, so then n is a multiple of VW and no tail is left). byRowVectors: the divide() constants of rowVectors.
#define BINARY(NAME, EXPR) \
static inline real NAME##_apply(const real a, const real b) { typedef real T; return (EXPR); } \
static inline realV NAME##_apply_v(const realV a, const realV b) { typedef realV T; return (EXPR); } \
__kernel void binary_##NAME(const long n, const int middle, const int inner, const int aAxes, const int bAxes, \
        __global const real* as, __global const real* bs, __global real* out) { \
    FOR_EACH(q, n) { \
        out[q] = NAME##_apply(as[operand_index(aAxes, q, middle, inner)], \
                bs[operand_index(bAxes, q, middle, inner)]); \
    } \
} \
__kernel void binary_##NAME##_vector(const long n, const int rowVectors, const uint2 byRowVectors, const int aKind, \
        const int bKind, __global const real* as, __global const real* bs, __global real* out) { \
    FOR_EACH(item, (n + VW - 1) / VW) { \
        const index_t i = item * VW; \
        const int q = item; \
        const int column = (q - divide(q, byRowVectors) * rowVectors) * VW; \
        if (i + VW <= n) { \
            VSTORE(NAME##_apply_v(operand_vector(aKind, as, i, column), operand_vector(bKind, bs, i, column)), \
                    out + i); \
        } else { \
            for (index_t j = i; j < n; j++) { \
                out[j] = NAME##_apply(as[aKind == KIND_FULL ? j : 0], bs[bKind == KIND_FULL ? j : 0]); \
            } \
        } \
    } \
}

BINARY(add, a + b)
BINARY(sub, a - b)
BINARY(mul, a * b)
BINARY(div, a / b)
BINARY(maximum, KILN_MAX(a, b))
BINARY(minimum, KILN_MIN(a, b))
BINARY(equal, a == b ? (T) 1 : (T) 0)
BINARY(greater, a > b ? (T) 1 : (T) 0)

// out[j, i] = x[i, j] for x of shape [rows, cols]; one work-item per element of x.
__kernel void transpose(const int rows, const int cols, __global const real* x, __global real* out) {
    FOR_EACH(q, (index_t) rows * cols) {
        const index_t i = q / cols, j = q % cols;
        out[j * rows + i] = x[q];
    }
}

// target[targetOffset + b * targetStride + i] = source[sourceOffset + b * sourceStride + i] for b in [0, blocks)
// and i in [0, blockLength); one work-item per copied element, n = blocks * blockLength, or per VW of them in the
// _vector kernels (for blockLength a multiple of VW, so that a vector never straddles two blocks). Offsets and
// strides are 64-bit, so that a buffer may hold more than 2^31 elements.
#define COPY_BLOCKS(NAME, T, L) \
__kernel void NAME(const long n, const int blockLength, const long sourceOffset, const long sourceStride, \
        const long targetOffset, const long targetStride, __global const T* source, __global T* target) { \
    FOR_EACH(item, n / L##_LANES) { \
        const index_t e = item * L##_LANES, b = e / blockLength, i = e - b * blockLength; \
        L##_STORE(L##_LOAD(source + sourceOffset + b * sourceStride + i), \
                target + targetOffset + b * targetStride + i); \
    } \
}

COPY_BLOCKS(copy_blocks, real, S)
COPY_BLOCKS(copy_blocks_vector, real, V)
// I32 buffers (indices) are copied by these, whatever the program's real type.
COPY_BLOCKS(copy_blocks_int, int, S)
COPY_BLOCKS(copy_blocks_int_vector, int, V)

// out[q] = x[sum_d j_d * s_d] where (j_0, ..., j_5) is q in the output dims (d0, ..., d5) and s_d is the stride in x
// of the axis that output axis d reads; unused leading axes have dim 1 and stride 0. One work-item per element.
__kernel void permute(const long n, const int d0, const int d1, const int d2, const int d3, const int d4, const int d5,
        const long s0, const long s1, const long s2, const long s3, const long s4, const long s5,
        __global const real* x, __global real* out) {
    FOR_EACH(q, n) {
        index_t rest = q;
        long source = (rest % d5) * s5; rest /= d5;
        source += (rest % d4) * s4; rest /= d4;
        source += (rest % d3) * s3; rest /= d3;
        source += (rest % d2) * s2; rest /= d2;
        source += (rest % d1) * s1; rest /= d1;
        source += rest * s0;
        out[q] = x[source];
    }
}

static inline int kiln_row_index(const int v, const int rows) {
    return v >= 0 && v < rows ? v : -1;
}

// out[i, c] = table[indices[i], c]; zeros for an index outside [0, rows) (the host checks them). n = count * cols;
// one work-item per element, or per VW of them in gather_vector (for cols a multiple of VW).
#define GATHER(NAME, L) \
__kernel void NAME(const long n, const int rows, const int cols, __global const real* table, \
        __global const int* indices, __global real* out) { \
    FOR_EACH(item, n / L##_LANES) { \
        const index_t q = item * L##_LANES, i = q / cols, c = q - i * cols; \
        const int row = kiln_row_index(indices[i], rows); \
        L##_STORE(row < 0 ? (L##_T) 0 : L##_LOAD(table + (index_t) row * cols + c), out + q); \
    } \
}

GATHER(gather, S)
GATHER(gather_vector, V)

// For each position i: links[i] = the next j > i with the same index (count when none), links[count + i] = 1 when
// i is the first position of a valid index. O(count^2) comparisons, independent of the row width.
__kernel void scatter_add_links(const int count, const int rows, __global const int* indices, __global int* links) {
    FOR_EACH(item, count) {
        const int i = item, v = indices[i];
        int head = kiln_row_index(v, rows) >= 0;
        for (int j = 0; j < i && head; j++) {
            if (indices[j] == v) head = 0;
        }
        int next = count;
        for (int j = i + 1; j < count; j++) {
            if (indices[j] == v) { next = j; break; }
        }
        links[i] = next;
        links[count + i] = head;
    }
}

// out[indices[i], c] += values[i, c] in increasing i: the work-item of the first position of each index walks its
// chain of links, so each element is summed in the CPU backend's order and no two work-items write one element.
// n = count * cols.
__kernel void scatter_add(const long n, const int count, const int cols, __global const int* indices,
        __global const int* links, __global const real* values, __global real* out) {
    FOR_EACH(q, n) {
        const int i = q / cols, c = q % cols;
        if (!links[count + i]) continue;
        __global real* target = out + (index_t) indices[i] * cols + c;
        real sum = target[0];
        for (int j = i; j < count; j = links[j]) {
            sum = sum + values[(index_t) j * cols + c];
        }
        target[0] = sum;
    }
}
