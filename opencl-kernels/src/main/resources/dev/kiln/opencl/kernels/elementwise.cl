// Element-wise unary functions with their backward passes, broadcasting binary functions, and the data
// movement kernels. Kernels: unary_<op> (out = f(x)), unary_<op>_backward (gradIn = gradOut * f'(x)),
// binary_<op>, transpose, copy_blocks (strided block copy).
// Tuning macros: none. Assumptions: 1-D ranges rounded up to the work-group size, so every kernel checks
// its index against the element count it is given.

#define UNARY(NAME, FORWARD, BACKWARD) \
__kernel void unary_##NAME(const long n, const real a, const real b, __global const real* xs, __global real* out) { \
    const size_t i = get_global_id(0); \
    if (i >= n) return; \
    const real x = xs[i]; \
    out[i] = (FORWARD); \
} \
__kernel void unary_##NAME##_backward(const long n, const real a, const real b, __global const real* xs, \
        __global const real* ys, __global const real* gradOut, __global real* gradIn) { \
    const size_t i = get_global_id(0); \
    if (i >= n) return; \
    const real x = xs[i]; \
    const real y = ys[i]; \
    const real g = gradOut[i]; \
    gradIn[i] = (BACKWARD); \
}

UNARY(affine, a * x + b, g * a)
UNARY(exp, exp(x), g * y)
UNARY(log, log(x), g / x)
UNARY(sqrt, sqrt(x), g / (2 * y))
UNARY(square, x * x, g * (2 * x))
UNARY(abs, fabs(x), x > 0 ? g : (x < 0 ? -g : (real) 0))
UNARY(reciprocal, 1 / x, -g * (y * y))
UNARY(relu, kiln_max(x, (real) 0), x > 0 ? g : (real) 0)
UNARY(leaky_relu, x > 0 ? x : a * x, x > 0 ? g : g * a)
UNARY(elu, x > 0 ? x : a * expm1(x), x > 0 ? g : g * (y + a))
UNARY(sigmoid, 1 / (1 + exp(-x)), g * (y * (1 - y)))
UNARY(tanh, tanh(x), g * (1 - y * y))
UNARY(softplus, kiln_max(x, (real) 0) + log1p(exp(-fabs(x))), g * (1 / (1 + exp(-x))))
UNARY(clip, kiln_min(kiln_max(x, a), b), (a <= x && x <= b) ? g : (real) 0)

// Index into an operand spanning the axes in `mask` (4 = outer, 2 = middle, 1 = inner) of output element
// q of an [outer, middle, inner] array.
inline size_t operand_index(const int mask, const size_t q, const size_t middle, const size_t inner) {
    if (mask == 7) return q;
    const size_t i = q % inner, m = (q / inner) % middle, o = q / inner / middle;
    size_t index = (mask & 4) ? o : 0;
    if (mask & 2) index = index * middle + m;
    if (mask & 1) index = index * inner + i;
    return index;
}

#define BINARY(NAME, EXPR) \
__kernel void binary_##NAME(const long n, const int middle, const int inner, const int aAxes, const int bAxes, \
        __global const real* as, __global const real* bs, __global real* out) { \
    const size_t q = get_global_id(0); \
    if (q >= n) return; \
    const real a = as[operand_index(aAxes, q, middle, inner)]; \
    const real b = bs[operand_index(bAxes, q, middle, inner)]; \
    out[q] = (EXPR); \
}

BINARY(add, a + b)
BINARY(sub, a - b)
BINARY(mul, a * b)
BINARY(div, a / b)
BINARY(maximum, kiln_max(a, b))
BINARY(minimum, kiln_min(a, b))
BINARY(equal, a == b ? (real) 1 : (real) 0)
BINARY(greater, a > b ? (real) 1 : (real) 0)

// out[j, i] = x[i, j] for x of shape [rows, cols]; one work-item per element of x.
__kernel void transpose(const int rows, const int cols, __global const real* x, __global real* out) {
    const size_t q = get_global_id(0);
    if (q >= (size_t) rows * cols) return;
    const size_t i = q / cols, j = q % cols;
    out[j * rows + i] = x[q];
}

// target[targetOffset + b * targetStride + i] = source[sourceOffset + b * sourceStride + i] for b in [0, blocks)
// and i in [0, blockLength); one work-item per copied element, n = blocks * blockLength. Offsets and strides are
// 64-bit, so that a buffer may hold more than 2^31 elements.
__kernel void copy_blocks(const long n, const int blockLength, const long sourceOffset, const long sourceStride,
        const long targetOffset, const long targetStride, __global const real* source, __global real* target) {
    const size_t q = get_global_id(0);
    if (q >= n) return;
    const size_t b = q / blockLength, i = q % blockLength;
    target[targetOffset + b * targetStride + i] = source[sourceOffset + b * sourceStride + i];
}
