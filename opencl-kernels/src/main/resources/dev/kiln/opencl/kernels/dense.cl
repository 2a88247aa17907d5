// The backward pass of a fused dense layer's epilogue (bias add and activation, see activation.cl): the activation's
// gradient and the bias gradient in one launch. Kernels: bias_activation_backward, bias_activation_backward_vector.
// Tuning macros: VW, INDEX_BITS (common.cl). Assumptions: a capped 1-D range, a grid-stride loop over the columns.

// Work-item c walks column c down the rows (VW neighbouring columns as one vector in the _vector kernel, for cols a
// multiple of VW: a CPU device then reads rows contiguously): gradIn[r, c] = activate_backward(f, y[r, c],
// gradOut[r, c]), and, when biased, gradBias[c] = the sum of that column in increasing r (reduce's order).
// gradIn may be gradOut.
#define BIAS_ACTIVATION_BACKWARD(NAME, L, BACKWARD) \
__kernel void NAME(const int rows, const int cols, const int activation, const real alpha, \
                   __global const real* y, __global const real* gradOut, __global real* gradIn, \
                   const int biased, __global real* gradBias) { \
    FOR_EACH(item, cols / L##_LANES) { \
        const index_t c = item * L##_LANES; \
        const index_t end = (index_t) rows * cols; \
        L##_T sum = 0; \
        /* One loop per activation, each calling BACKWARD with a constant: no switch inside the loop. */ \
        switch (activation) { \
            case ACT_RELU: BIAS_ACTIVATION_COLUMN(L, BACKWARD, ACT_RELU) \
            case ACT_LEAKY_RELU: BIAS_ACTIVATION_COLUMN(L, BACKWARD, ACT_LEAKY_RELU) \
            case ACT_ELU: BIAS_ACTIVATION_COLUMN(L, BACKWARD, ACT_ELU) \
            case ACT_SIGMOID: BIAS_ACTIVATION_COLUMN(L, BACKWARD, ACT_SIGMOID) \
            case ACT_TANH: BIAS_ACTIVATION_COLUMN(L, BACKWARD, ACT_TANH) \
            default: BIAS_ACTIVATION_COLUMN(L, BACKWARD, ACT_IDENTITY) \
        } \
        if (biased) { \
            L##_STORE(sum, gradBias + c); \
        } \
    } \
}
#define BIAS_ACTIVATION_COLUMN(L, BACKWARD, F) \
        for (index_t i = c; i < end; i += cols) { \
            const L##_T g = BACKWARD(F, L##_LOAD(y + i), L##_LOAD(gradOut + i), alpha); \
            L##_STORE(g, gradIn + i); \
            sum += g; \
        } \
        break;

BIAS_ACTIVATION_BACKWARD(bias_activation_backward, S, activate_backward)
BIAS_ACTIVATION_BACKWARD(bias_activation_backward_vector, V, activate_backward_v)
