// Fused optimizer updates, in place on the parameter p and its state buffers.
// Kernels: update_<rule> for sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad (one parameter), and
// update_<rule>_group (up to 4 parameters in one launch, each with its own buffers: OpenCL 1.2 has no pointers
// to buffers, so each slot is its own set of arguments). Every kernel takes the same hyper-parameters: learning
// rate, beta1, beta2, epsilon, weight decay, and the bias corrections c1 = 1 - beta1^t and c2 = 1 - beta2^t
// (computed on the host). Each rule is written once, as step_<rule> on element i, which both kernels call.
// Tuning macros: INDEX_BITS (common.cl). Assumptions: update_<rule> runs on a capped 1-D range, a grid-stride loop
// over the n elements; a group runs over its slots' work-groups end to end and checks the index.

#define HYPER const real lr, const real beta1, const real beta2, const real eps, const real decay, const real c1, \
              const real c2
#define HYPER_VALUES lr, beta1, beta2, eps, decay, c1, c2
// A rule's buffers: the parameter, its gradient and up to two states (a rule with fewer never reads the rest).
#define BUFFERS __global real* p, __global const real* grad, __global real* s1, __global real* s2

static inline void step_sgd(const size_t i, HYPER, BUFFERS) {
    const real g = grad[i] + decay * p[i];
    p[i] = p[i] - lr * g;
}

static inline void step_momentum(const size_t i, HYPER, BUFFERS) {
    const real g = grad[i] + decay * p[i];
    const real v = beta1 * s1[i] + g;
    s1[i] = v;
    p[i] = p[i] - lr * v;
}

static inline void step_nesterov(const size_t i, HYPER, BUFFERS) {
    const real g = grad[i] + decay * p[i];
    const real v = beta1 * s1[i] + g;
    s1[i] = v;
    p[i] = p[i] - lr * (g + beta1 * v);
}

// Updates the moments and returns lr * (m / c1) / (sqrt(v / c2) + eps).
static inline real adam_step(const real g, __global real* m1, __global real* m2, const index_t i, const real lr,
                      const real beta1, const real beta2, const real eps, const real c1, const real c2) {
    const real m = beta1 * m1[i] + (1 - beta1) * g;
    const real v = beta2 * m2[i] + (1 - beta2) * (g * g);
    m1[i] = m;
    m2[i] = v;
    return lr * (m / c1) / (sqrt(v / c2) + eps);
}

static inline void step_adam(const size_t i, HYPER, BUFFERS) {
    const real g = grad[i] + decay * p[i];
    p[i] = p[i] - adam_step(g, s1, s2, i, lr, beta1, beta2, eps, c1, c2);
}

static inline void step_adamw(const size_t i, HYPER, BUFFERS) {
    const real before = p[i];
    const real step = adam_step(grad[i], s1, s2, i, lr, beta1, beta2, eps, c1, c2);
    p[i] = before - step - lr * decay * before;
}

static inline void step_rmsprop(const size_t i, HYPER, BUFFERS) {
    const real g = grad[i] + decay * p[i];
    const real s = beta1 * s1[i] + (1 - beta1) * (g * g);
    s1[i] = s;
    p[i] = p[i] - lr * g / (sqrt(s) + eps);
}

static inline void step_adagrad(const size_t i, HYPER, BUFFERS) {
    const real g = grad[i] + decay * p[i];
    const real s = s1[i] + g * g;
    s1[i] = s;
    p[i] = p[i] - lr * g / (sqrt(s) + eps);
}

// One parameter, with the states its rule has: the arguments (STATE_ARGS) and what goes to step_<rule> (VALUES).
#define NO_STATES
#define NO_STATES_VALUES p, grad, p, p
#define ONE_STATE , __global real* s1
#define ONE_STATE_VALUES p, grad, s1, s1
#define TWO_STATES , __global real* s1, __global real* s2
#define TWO_STATES_VALUES p, grad, s1, s2
#define SINGLE(RULE, STATES) \
__kernel void update_##RULE(const long n, HYPER, __global real* p, __global const real* grad STATES) { \
    FOR_EACH(i, n) { \
        step_##RULE(i, HYPER_VALUES, STATES##_VALUES); \
    } \
}
SINGLE(sgd, NO_STATES)
SINGLE(momentum, ONE_STATE)
SINGLE(nesterov, ONE_STATE)
SINGLE(adam, TWO_STATES)
SINGLE(adamw, TWO_STATES)
SINGLE(rmsprop, ONE_STATE)
SINGLE(adagrad, ONE_STATE)

// A group: slot q holds lengths.sq elements and owns the work-groups [e(q-1), eq) of the range, eq being the
// work-groups that slots 0..q fill, so the slot is uniform across a work-group; an unused slot owns no work-group
// and repeats another slot's buffers, which it never touches. Work-groups stride over the slots' groups, so any range
// and work-group size cover them. On PoCL an element costs several times what it costs in update_<rule> (measured:
// 0.8 ms for Adam on 100,352 elements against 0.1 ms), so the host groups only small parameters, whose launch is
// the cost.
#define SLOT(q) __global real* p##q, __global const real* g##q, __global real* a##q, __global real* b##q
#define RUN(RULE, q) step_##RULE(i, HYPER_VALUES, p##q, g##q, a##q, b##q)
#define GROUP_KERNEL(RULE) \
__kernel void update_##RULE##_group(HYPER, const ulong4 lengths, SLOT(0), SLOT(1), SLOT(2), SLOT(3)) { \
    const ulong size = get_local_size(0); \
    const ulong e0 = (lengths.s0 + size - 1) / size; \
    const ulong e1 = e0 + (lengths.s1 + size - 1) / size; \
    const ulong e2 = e1 + (lengths.s2 + size - 1) / size; \
    const ulong e3 = e2 + (lengths.s3 + size - 1) / size; \
    for (ulong group = get_group_id(0); group < e3; group += get_num_groups(0)) { \
        const ulong start = group < e0 ? 0 : group < e1 ? e0 : group < e2 ? e1 : e2; \
        const ulong n = group < e0 ? lengths.s0 : group < e1 ? lengths.s1 : group < e2 ? lengths.s2 : lengths.s3; \
        const size_t i = (group - start) * size + get_local_id(0); \
        if (i < n) { \
            if (group < e0) RUN(RULE, 0); \
            else if (group < e1) RUN(RULE, 1); \
            else if (group < e2) RUN(RULE, 2); \
            else RUN(RULE, 3); \
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
