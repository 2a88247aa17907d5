// The backward pass of a fused dense layer's epilogue (bias add and activation, see activation.cl): the activation's
// gradient and the bias gradient in one launch. Kernels: bias_activation_backward.
// Tuning macros: INDEX_BITS (common.cl). Assumptions: a capped 1-D range, a grid-stride loop over the columns.

// Work-item c walks column c down the rows: gradIn[r, c] = activate_backward(f, y[r, c], gradOut[r, c]), and, when
// biased, gradBias[c] = the sum of that column in increasing r (reduce's order). Neighbouring work-items read
// neighbouring elements of each row. gradIn may be gradOut.
__kernel void bias_activation_backward(const int rows, const int cols, const int activation, const real alpha,
                                       __global const real* y, __global const real* gradOut, __global real* gradIn,
                                       const int biased, __global real* gradBias) {
    FOR_EACH(c, cols) {
        const index_t end = (index_t) rows * cols;
        real sum = 0;
        // One loop per activation, each calling activate_backward with a constant: no switch inside the loop.
#define COLUMN(F) \
        for (index_t i = c; i < end; i += cols) { \
            const real g = activate_backward(F, y[i], gradOut[i], alpha); \
            gradIn[i] = g; \
            sum += g; \
        } \
        break;
        switch (activation) {
            case ACT_RELU: COLUMN(ACT_RELU)
            case ACT_LEAKY_RELU: COLUMN(ACT_LEAKY_RELU)
            case ACT_ELU: COLUMN(ACT_ELU)
            case ACT_SIGMOID: COLUMN(ACT_SIGMOID)
            case ACT_TANH: COLUMN(ACT_TANH)
            default: COLUMN(ACT_IDENTITY)
        }
#undef COLUMN
        if (biased) {
            gradBias[c] = sum;
        }
    }
}
