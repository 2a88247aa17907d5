// Element-wise unary functions with their backward passes, broadcasting binary functions, transpose.
// Kernels: unary_<op> (out = f(x)), unary_<op>_backward (gradIn = gradOut * f'(x)), binary_<op>,
// transpose.
// Tuning macros: none. Assumptions: launched with the exact global size (no bounds checks); unary
// kernels run over a 1-D range of n elements, binary kernels over a 3-D range (inner, middle, outer).

#define UNARY(NAME, FORWARD, BACKWARD) \
__kernel void unary_##NAME(const real a, const real b, __global const real* xs, __global real* out) { \
    const size_t i = get_global_id(0); \
    const real x = xs[i]; \
    out[i] = (FORWARD); \
} \
__kernel void unary_##NAME##_backward(const real a, const real b, __global const real* xs, \
        __global const real* ys, __global const real* gradOut, __global real* gradIn) { \
    const size_t i = get_global_id(0); \
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
UNARY(relu, x > 0 ? x : (real) 0, x > 0 ? g : (real) 0)
UNARY(leaky_relu, x > 0 ? x : a * x, x > 0 ? g : g * a)
UNARY(elu, x > 0 ? x : a * (exp(x) - 1), x > 0 ? g : g * (y + a))
UNARY(sigmoid, 1 / (1 + exp(-x)), g * (y * (1 - y)))
UNARY(tanh, tanh(x), g * (1 - y * y))
UNARY(softplus, fmax(x, (real) 0) + log1p(exp(-fabs(x))), g / (1 + exp(-x)))
UNARY(clip, kiln_min(kiln_max(x, a), b), (a <= x && x <= b) ? g : (real) 0)

// Operand index of output element (o, m, i) for an operand spanning the axes in `mask`
// (4 = outer, 2 = middle, 1 = inner).
inline size_t operand_index(const int mask, const size_t o, const size_t m, const size_t i,
                            const size_t middle, const size_t inner) {
    size_t index = (mask & 4) ? o : 0;
    if (mask & 2) index = index * middle + m;
    if (mask & 1) index = index * inner + i;
    return index;
}

#define BINARY(NAME, EXPR) \
__kernel void binary_##NAME(const int aAxes, const int bAxes, \
        __global const real* as, __global const real* bs, __global real* out) { \
    const size_t i = get_global_id(0), m = get_global_id(1), o = get_global_id(2); \
    const size_t inner = get_global_size(0), middle = get_global_size(1); \
    const real a = as[operand_index(aAxes, o, m, i, middle, inner)]; \
    const real b = bs[operand_index(bAxes, o, m, i, middle, inner)]; \
    out[(o * middle + m) * inner + i] = (EXPR); \
}

BINARY(add, a + b)
BINARY(sub, a - b)
BINARY(mul, a * b)
BINARY(div, a / b)
BINARY(maximum, kiln_max(a, b))
BINARY(minimum, kiln_min(a, b))
BINARY(equal, a == b ? (real) 1 : (real) 0)
BINARY(greater, a > b ? (real) 1 : (real) 0)

// out[j, i] = x[i, j] for x of shape [rows, cols]; a 2-D range (cols, rows).
__kernel void transpose(__global const real* x, __global real* out) {
    const size_t j = get_global_id(0), i = get_global_id(1);
    const size_t cols = get_global_size(0), rows = get_global_size(1);
    out[j * rows + i] = x[i * cols + j];
}
