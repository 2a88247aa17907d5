// Fused optimizer updates, in place on the parameter p and its state buffers.
// Kernels: update_<rule> for sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad (one parameter), and
// update_<rule>_group (up to 4 parameters in one launch, each with its own buffers: OpenCL 1.2 has no pointers
// to buffers, so each slot is its own set of arguments). Every kernel takes the same hyper-parameters: learning
// rate, beta1, beta2, epsilon, weight decay, and the bias corrections c1 = 1 - beta1^t and c2 = 1 - beta2^t
// (computed on the host). Each rule is written once, as RULE_<rule> over an element type T, and instantiated as
// step_<rule> (element i) and step_<rule>_v (the VW elements from i), which both kernels call. A work-item updates VW
// neighbouring elements as one vector (on PoCL Adam over 100,352 floats took 84 us so, against 141 us one element
// per work-item), the last one finishing a length that is not a multiple of VW one element at a time.
// Tuning macros: VW, INDEX_BITS (common.cl). Assumptions: update_<rule> runs on a capped 1-D range of ceil(n / VW)
// work-items, a grid-stride loop over the vectors; a group runs the same loop over the vectors of all its slots, up
// to ends.s3.

#define HYPER const real lr, const real beta1, const real beta2, const real eps, const real decay, const real c1, \
              const real c2
#define HYPER_VALUES lr, beta1, beta2, eps, decay, c1, c2
// A rule's buffers: the parameter, its gradient and up to two states (a rule with fewer never reads the rest).
#define BUFFERS __global real* p, __global const real* grad, __global real* s1, __global real* s2

// Each RULE_<rule> reads element(s) i with LOAD(buffer) and writes them with STORE(value, buffer), in type T.
#define RULE_sgd(LOAD, STORE) \
    const T g = LOAD(grad) + decay * LOAD(p); \
    STORE(LOAD(p) - lr * g, p);

#define RULE_momentum(LOAD, STORE) \
    const T g = LOAD(grad) + decay * LOAD(p); \
    const T v = beta1 * LOAD(s1) + g; \
    STORE(v, s1); \
    STORE(LOAD(p) - lr * v, p);

#define RULE_nesterov(LOAD, STORE) \
    const T g = LOAD(grad) + decay * LOAD(p); \
    const T v = beta1 * LOAD(s1) + g; \
    STORE(v, s1); \
    STORE(LOAD(p) - lr * (g + beta1 * v), p);

// The moments of Adam from the gradient g, and its step lr * (m / c1) / (sqrt(v / c2) + eps) computed as
// (lr / c1) * m / (sqrt(v) * (1 / sqrt(c2)) + eps): one division and one square root per element (the rest is
// uniform and computed once), since dividers, not memory, bounded the update on CPU devices.
#define ADAM_STEP(LOAD, STORE, g) \
    const T m = beta1 * LOAD(s1) + (1 - beta1) * (g); \
    const T v = beta2 * LOAD(s2) + (1 - beta2) * ((g) * (g)); \
    STORE(m, s1); \
    STORE(v, s2); \
    const T step = (lr / c1) * m / (sqrt(v) * (1 / sqrt(c2)) + eps);

#define RULE_adam(LOAD, STORE) \
    const T g = LOAD(grad) + decay * LOAD(p); \
    ADAM_STEP(LOAD, STORE, g) \
    STORE(LOAD(p) - step, p);

#define RULE_adamw(LOAD, STORE) \
    const T before = LOAD(p); \
    const T g = LOAD(grad); \
    ADAM_STEP(LOAD, STORE, g) \
    STORE(before - step - lr * decay * before, p);

#define RULE_rmsprop(LOAD, STORE) \
    const T g = LOAD(grad) + decay * LOAD(p); \
    const T s = beta1 * LOAD(s1) + (1 - beta1) * (g * g); \
    STORE(s, s1); \
    STORE(LOAD(p) - lr * g / (sqrt(s) + eps), p);

#define RULE_adagrad(LOAD, STORE) \
    const T g = LOAD(grad) + decay * LOAD(p); \
    const T s = LOAD(s1) + g * g; \
    STORE(s, s1); \
    STORE(LOAD(p) - lr * g / (sqrt(s) + eps), p);

#define ELEMENT_LOAD(buffer) (buffer)[i]
#define ELEMENT_STORE(value, buffer) ((buffer)[i] = (value))
#define VECTOR_LOAD(buffer) VLOAD((buffer) + i)
#define VECTOR_STORE(value, buffer) VSTORE((value), (buffer) + i)
// step_<rule> on element i, step_<rule>_v on the VW elements from i, and step_<rule>_from on those of [i, i + VW)
// below n: the vector, or the elements of the last, shorter run one by one.
#define STEPS(RULE) \
static inline void step_##RULE(const index_t i, HYPER, BUFFERS) { \
    typedef real T; \
    RULE_##RULE(ELEMENT_LOAD, ELEMENT_STORE) \
} \
static inline void step_##RULE##_v(const index_t i, HYPER, BUFFERS) { \
    typedef realV T; \
    RULE_##RULE(VECTOR_LOAD, VECTOR_STORE) \
} \
/* Inlined into each of a group's four slots: on PoCL a call per vector made the group 1.5x slower per element. */ \
static inline __attribute__((always_inline)) void step_##RULE##_from(const index_t i, const index_t n, HYPER, \
                                                                     BUFFERS) { \
    if (i + VW <= n) { \
        step_##RULE##_v(i, HYPER_VALUES, p, grad, s1, s2); \
    } else { \
        for (index_t j = i; j < n; j++) step_##RULE(j, HYPER_VALUES, p, grad, s1, s2); \
    } \
}
STEPS(sgd)
STEPS(momentum)
STEPS(nesterov)
STEPS(adam)
STEPS(adamw)
STEPS(rmsprop)
STEPS(adagrad)

// One parameter, with the states its rule has: the arguments (STATE_ARGS) and what goes to step_<rule> (VALUES).
#define NO_STATES
#define NO_STATES_VALUES p, grad, p, p
#define ONE_STATE , __global real* s1
#define ONE_STATE_VALUES p, grad, s1, s1
#define TWO_STATES , __global real* s1, __global real* s2
#define TWO_STATES_VALUES p, grad, s1, s2
#define SINGLE(RULE, STATES) \
__kernel void update_##RULE(const long n, HYPER, __global real* p, __global const real* grad STATES) { \
    FOR_EACH(v, (n + VW - 1) / VW) { \
        step_##RULE##_from(v * VW, n, HYPER_VALUES, STATES##_VALUES); \
    } \
}
SINGLE(sgd, NO_STATES)
SINGLE(momentum, ONE_STATE)
SINGLE(nesterov, ONE_STATE)
SINGLE(adam, TWO_STATES)
SINGLE(adamw, TWO_STATES)
SINGLE(rmsprop, ONE_STATE)
SINGLE(adagrad, ONE_STATE)

// A group: slot q holds lengths.sq elements in ceil(lengths.sq / VW) vectors and owns the vectors [e(q-1), eq) of
// the range (ends, from the host: each slot's vectors rounded up to whole work-groups, so the slot is uniform across
// a work-group); an unused slot owns none and repeats another slot's buffers, which it never touches.
#define SLOT(q) __global real* p##q, __global const real* g##q, __global real* a##q, __global real* b##q
#define RUN(RULE, q, w) \
    if ((w) * VW < lengths.s##q) step_##RULE##_from((w) * VW, lengths.s##q, HYPER_VALUES, p##q, g##q, a##q, b##q)
#define GROUP_KERNEL(RULE) \
__kernel void update_##RULE##_group(HYPER, const ulong4 lengths, const ulong4 ends, SLOT(0), SLOT(1), SLOT(2), \
                                    SLOT(3)) { \
    FOR_EACH(v, ends.s3) { \
        if (v < ends.s0) { \
            RUN(RULE, 0, v); \
        } else if (v < ends.s1) { \
            RUN(RULE, 1, v - ends.s0); \
        } else if (v < ends.s2) { \
            RUN(RULE, 2, v - ends.s1); \
        } else { \
            RUN(RULE, 3, v - ends.s2); \
        } \
    } \
}
GROUP_KERNEL(sgd)
GROUP_KERNEL(momentum)
GROUP_KERNEL(nesterov)
GROUP_KERNEL(adam)
GROUP_KERNEL(adamw)
GROUP_KERNEL(rmsprop)
GROUP_KERNEL(adagrad)
