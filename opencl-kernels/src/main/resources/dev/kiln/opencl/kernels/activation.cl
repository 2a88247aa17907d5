// The activations of the fused dense-layer kernels, numbered as Activation.java orders them, with a parameter alpha
// (LEAKY_RELU's slope, ELU's scale), and their derivatives taken from the output y alone: with alpha >= 0, y > 0
// exactly where x > 0. The formulas are elementwise.cl's, so a fused kernel rounds as separate launches would.
// Included after common.cl by the families that fuse an activation (gemm.cl, dense.cl). Tuning macros: none.
#define ACT_IDENTITY 0
#define ACT_RELU 1
#define ACT_LEAKY_RELU 2
#define ACT_ELU 3
#define ACT_SIGMOID 4
#define ACT_TANH 5

// activate (one element) and activate_v (VW elements): f(x) for activation f.
#define ACTIVATE(NAME, T) \
static inline T NAME(const int f, const T x, const real alpha) { \
    switch (f) { \
        case ACT_RELU: return KILN_MAX(x, (T) 0); \
        case ACT_LEAKY_RELU: return x > 0 ? x : alpha * x; \
        case ACT_ELU: return x > 0 ? x : alpha * expm1(x); \
        case ACT_SIGMOID: return 1 / (1 + exp(-x)); \
        case ACT_TANH: return tanh(x); \
        default: return x; \
    } \
}
ACTIVATE(activate, real)
ACTIVATE(activate_v, realV)

// activate_backward (one element) and activate_backward_v (VW elements): g * f'(x), from y = f(x).
#define ACTIVATE_BACKWARD(NAME, T) \
static inline T NAME(const int f, const T y, const T g, const real alpha) { \
    switch (f) { \
        case ACT_RELU: return y > 0 ? g : (T) 0; \
        case ACT_LEAKY_RELU: return y > 0 ? g : g * alpha; \
        case ACT_ELU: return y > 0 ? g : g * (y + alpha); \
        case ACT_SIGMOID: return g * (y * (1 - y)); \
        case ACT_TANH: return g * (1 - y * y); \
        default: return g; \
    } \
}
ACTIVATE_BACKWARD(activate_backward, real)
ACTIVATE_BACKWARD(activate_backward_v, realV)
