package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.backend.Activation;
import dev.kiln.backend.Backend;
import dev.kiln.backend.ReduceOp;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;

/**
 * A dense layer's affine map and activation as one op on {@link Backend#gemmBiasActivation}, whose backward pass
 * takes the activation's gradient and the bias gradient in one {@link Backend#biasActivationBackward} call (a
 * {@code reduce} for the identity) and keeps only the output: the activations it takes need nothing else.
 */
public final class DenseOps {
    private DenseOps() {
    }

    /**
     * f(x · kernel + bias) for x [rows, in], kernel [in, units] and bias [units] (null for none), f =
     * {@code activation} with its {@code alpha}.
     */
    public static Tensor dense(Tensor x, Tensor kernel, Tensor bias, Activation activation, double alpha) {
        Ops.checkCompatible("dense", x, kernel);
        if (bias != null) {
            Ops.checkCompatible("dense", x, bias);
        }
        if (x.rank() != 2 || kernel.rank() != 2 || x.shape().dim(1) != kernel.shape().dim(0)) {
            throw new KilnException("dense: expected x [rows, in] and kernel [in, units], got " + x.shape() + " and "
                    + kernel.shape());
        }
        int rows = x.shape().dim(0);
        int in = x.shape().dim(1);
        int units = kernel.shape().dim(1);
        if (bias != null && !bias.shape().equals(Shape.of(units))) {
            throw new KilnException("dense: expected a bias [" + units + "], got " + bias.shape());
        }
        Backend backend = x.backend();
        Tensor out = Tensor.empty(backend, x.dtype(), Shape.of(rows, units));
        backend.gemmBiasActivation(activation, alpha, false, false, rows, units, in, x.buffer(), kernel.buffer(),
                bias == null ? null : bias.buffer(), out.buffer());
        Tensor[] inputs = bias == null ? new Tensor[] {x, kernel} : new Tensor[] {x, kernel, bias};
        return Ops.record(out, "dense", g -> {
            Tensor gradBias = bias != null && bias.requiresGrad()
                    ? Tensor.empty(backend, x.dtype(), bias.shape()) : null;
            Tensor gradZ = g;
            if (activation != Activation.IDENTITY) {
                gradZ = Tensor.empty(backend, x.dtype(), out.shape());
                backend.biasActivationBackward(activation, alpha, rows, units, out.buffer(), g.buffer(),
                        gradZ.buffer(), gradBias == null ? null : gradBias.buffer());
            } else if (gradBias != null) {
                backend.reduce(ReduceOp.SUM, 1, rows, units, g.buffer(), gradBias.buffer());
            }
            Tensor gradX = null;
            if (x.requiresGrad()) {
                gradX = Tensor.empty(backend, x.dtype(), x.shape());
                backend.gemm(false, true, rows, in, units, 1, gradZ.buffer(), kernel.buffer(), 0, gradX.buffer());
            }
            Tensor gradKernel = null;
            if (kernel.requiresGrad()) {
                gradKernel = Tensor.empty(backend, x.dtype(), kernel.shape());
                backend.gemm(true, false, in, units, rows, 1, x.buffer(), gradZ.buffer(), 0, gradKernel.buffer());
            }
            return bias == null ? new Tensor[] {gradX, gradKernel} : new Tensor[] {gradX, gradKernel, gradBias};
        }, inputs);
    }
}
