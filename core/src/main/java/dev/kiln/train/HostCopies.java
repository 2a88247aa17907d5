package dev.kiln.train;

import dev.kiln.op.InPlaceOps;
import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;
import java.util.List;

/** Tensor values through the host, the way the devices of a fit on several devices exchange them. */
public final class HostCopies {
    private HostCopies() {
    }

    /** The values of each tensor, in order (waits for the device). */
    public static double[][] download(List<Tensor> tensors) {
        double[][] values = new double[tensors.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = tensors.get(i).toDoubleArray();
        }
        return values;
    }

    /** Writes {@code values[i]} into {@code targets.get(i)}, on the targets' device. */
    public static void upload(double[][] values, List<Tensor> targets) {
        for (int i = 0; i < values.length; i++) {
            Tensor target = targets.get(i);
            try (MemoryScope scope = MemoryScope.open()) {
                InPlaceOps.assign(target, Tensor.of(target.backend(), target.dtype(), target.shape(), values[i]));
            }
        }
    }

    /** Sets the gradient of {@code parameter} to {@code values}. */
    public static void setGradient(Tensor parameter, double[] values) {
        try (MemoryScope scope = MemoryScope.open()) {
            parameter.zeroGrad();
            parameter.accumulateGrad(Tensor.of(parameter.backend(), parameter.dtype(), parameter.shape(), values));
        }
    }

    /** {@code sum + weight * values}, into {@code sum} (a new array when it is null). */
    public static double[] addScaled(double[] sum, double[] values, double weight) {
        double[] out = sum == null ? new double[values.length] : sum;
        for (int j = 0; j < values.length; j++) {
            out[j] += weight * values[j];
        }
        return out;
    }
}
