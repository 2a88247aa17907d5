package dev.kiln.opencl;

import dev.kiln.backend.Activation;

/**
 * A dense layer's fused kernels: the forward pass as a gemm whose kernel adds the bias and applies the activation
 * where it stores each value ({@link OpenClGemm.Epilogue}), and the backward pass of that epilogue,
 * bias_activation_backward, the activation's gradient and the bias gradient in one launch (a vector of columns per
 * work-item when the width allows).
 */
final class OpenClDense {
    private final OpenClBackend backend;
    private final OpenClGemm gemm;

    OpenClDense(OpenClBackend backend, OpenClGemm gemm) {
        this.backend = backend;
        this.gemm = gemm;
    }

    /** out = f(op(a) · op(b) + bias), buffers already checked. */
    void forward(Activation activation, double alpha, boolean transposeA, boolean transposeB, int m, int n, int k,
                 ClBuffer a, ClBuffer b, ClBuffer bias, ClBuffer out) {
        if ((long) m * n == 0) {
            return;
        }
        gemm.run(backend.gemmTuning(out.dtype()), transposeA, transposeB, m, n, k, 1, a, b, 0, out,
                new OpenClGemm.Epilogue(bias, activation, alpha));
    }

    /** gradIn = gradOut * f'(y) and gradBias = its column sums (when not null), buffers already checked. */
    void backward(Activation activation, double alpha, int rows, int cols, ClBuffer y, ClBuffer gradOut,
                  ClBuffer gradIn, ClBuffer gradBias) {
        if (cols == 0) {
            return;
        }
        int lanes = cols % backend.lanes(y.dtype()) == 0 ? backend.lanes(y.dtype()) : 1;
        backend.launch(y.dtype(), KernelFamily.DENSE, lanes > 1 ? "bias_activation_backward_vector"
                        : "bias_activation_backward", () -> rows + "x" + cols + ", " + activation)
                .integer(rows).integer(cols).integer(activation.ordinal()).real(alpha)
                .buffer(y).buffer(gradOut).buffer(gradIn).integer(gradBias == null ? 0 : 1)
                // Without a bias gradient, gradIn only fills the argument.
                .buffer(gradBias == null ? gradIn : gradBias)
                .run(backend.queue(), cols / lanes);
    }
}
