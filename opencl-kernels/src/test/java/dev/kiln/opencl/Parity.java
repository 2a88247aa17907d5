package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import java.util.Random;

/**
 * Runs one call on the OpenCL backend and on the CPU reference with the same host inputs, then compares every
 * buffer (inputs too, for in-place calls): NaNs and infinities must match exactly, other values within
 * {@code atol + rtol * |reference|}.
 */
final class Parity {
    /** A call on one backend: {@code buffers} holds the inputs then the outputs, in the order given. */
    interface Call {
        void run(Backend backend, Buffer[] buffers);
    }

    private final Backend device;
    private final Backend reference;

    Parity(Backend device, Backend reference) {
        this.device = device;
        this.reference = reference;
    }

    /**
     * Compares {@code call} on both backends.
     *
     * @param inputs host contents of the input buffers
     * @param outputLengths lengths of the output buffers (zero-filled before the call)
     */
    void check(String label, DType dtype, double atol, double rtol, double[][] inputs, long[] outputLengths, Call call) {
        check(label, dtype, atol, rtol, inputs, new boolean[inputs.length], outputLengths, call);
    }

    /** As {@link #check(String, DType, double, double, double[][], long[], Call)}, with I32 inputs where {@code ints}. */
    void check(String label, DType dtype, double atol, double rtol, double[][] inputs, boolean[] ints,
               long[] outputLengths, Call call) {
        double[][] expected = run(reference, dtype, inputs, ints, outputLengths, call);
        double[][] actual = run(device, dtype, inputs, ints, outputLengths, call);
        for (int b = 0; b < expected.length; b++) {
            for (int i = 0; i < expected[b].length; i++) {
                double e = expected[b][i];
                double a = actual[b][i];
                boolean same = Double.isNaN(e) ? Double.isNaN(a)
                        : Double.isInfinite(e) ? a == e
                        : Math.abs(a - e) <= atol + rtol * Math.abs(e);
                if (!same) {
                    fail(label + " " + dtype + ": buffer " + b + " element " + i + " is " + a + ", CPU gives " + e
                            + " (atol " + atol + ", rtol " + rtol + ")");
                }
            }
        }
    }

    /** The host contents of every buffer after {@code call} on {@code backend}. */
    static double[][] run(Backend backend, DType dtype, double[][] inputs, long[] outputLengths, Call call) {
        return run(backend, dtype, inputs, new boolean[inputs.length], outputLengths, call);
    }

    static double[][] run(Backend backend, DType dtype, double[][] inputs, boolean[] ints, long[] outputLengths,
                          Call call) {
        Buffer[] buffers = new Buffer[inputs.length + outputLengths.length];
        for (int i = 0; i < inputs.length; i++) {
            buffers[i] = upload(backend, ints[i] ? DType.I32 : dtype, inputs[i]);
        }
        for (int o = 0; o < outputLengths.length; o++) {
            buffers[inputs.length + o] = backend.allocate(dtype, outputLengths[o]);
            backend.fill(buffers[inputs.length + o], 0);
        }
        call.run(backend, buffers);
        double[][] result = new double[buffers.length][];
        for (int b = 0; b < buffers.length; b++) {
            result[b] = download(backend, buffers[b]);
            backend.free(buffers[b]);
        }
        return result;
    }

    static Buffer upload(Backend backend, DType dtype, double[] values) {
        Buffer buffer = backend.allocate(dtype, values.length);
        if (dtype == DType.I32) {
            int[] ints = new int[values.length];
            for (int i = 0; i < ints.length; i++) {
                ints[i] = (int) values[i];
            }
            backend.upload(ints, buffer);
        } else if (dtype == DType.F64) {
            backend.upload(values, buffer);
        } else {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            backend.upload(f, buffer);
        }
        return buffer;
    }

    static double[] download(Backend backend, Buffer buffer) {
        double[] out = new double[Math.toIntExact(buffer.length())];
        if (buffer.dtype() == DType.I32) {
            int[] ints = new int[out.length];
            backend.download(buffer, ints);
            for (int i = 0; i < ints.length; i++) {
                out[i] = ints[i];
            }
        } else if (buffer.dtype() == DType.F64) {
            backend.download(buffer, out);
        } else {
            float[] f = new float[out.length];
            backend.download(buffer, f);
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
        }
        return out;
    }

    /** n uniform values in [low, high), rounded to float so both backends see the same numbers. */
    static double[] uniform(Random random, int n, double low, double high) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (low + (high - low) * random.nextDouble());
        }
        return values;
    }

    /** n small whole numbers in [0, levels), so comparisons and ties occur. */
    static double[] levels(Random random, int n, int levels) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = random.nextInt(levels);
        }
        return values;
    }
}
