package dev.kiln.check.parity;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of a case on one backend in one dtype, with I32 buffers for indices; frees every buffer it allocated
 * when closed.
 */
public final class Invocation implements AutoCloseable {
    private final Backend backend;
    private final DType dtype;
    private final List<Buffer> buffers = new ArrayList<>();

    public Invocation(Backend backend, DType dtype) {
        this.backend = backend;
        this.dtype = dtype;
    }

    public Backend backend() {
        return backend;
    }

    public DType dtype() {
        return dtype;
    }

    /** A buffer of {@code length} elements with unspecified contents. */
    public Buffer allocate(long length) {
        Buffer buffer = backend.allocate(dtype, length);
        buffers.add(buffer);
        return buffer;
    }

    /** An I32 buffer of {@code length} elements with unspecified contents. */
    public Buffer allocateIndices(long length) {
        Buffer buffer = backend.allocate(DType.I32, length);
        buffers.add(buffer);
        return buffer;
    }

    /** A new I32 buffer holding {@code values}, which are whole numbers in the int range. */
    public Buffer uploadIndices(double[] values) {
        Buffer buffer = allocateIndices(values.length);
        write(values, buffer);
        return buffer;
    }

    /** A new buffer for {@code input}: I32 for indices, else of this run's dtype. */
    public Buffer upload(Input input, double[] values) {
        return input.indices() ? uploadIndices(values) : upload(values);
    }

    /** A new buffer holding {@code values} (rounded to float for F32). */
    public Buffer upload(double[] values) {
        Buffer buffer = allocate(values.length);
        write(values, buffer);
        return buffer;
    }

    /** Uploads {@code values} into the start of {@code target} (converted to int for an I32 target). */
    public void write(double[] values, Buffer target) {
        if (target.dtype() == DType.I32) {
            int[] ints = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                if (values[i] != Math.rint(values[i]) || Math.abs(values[i]) > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("value " + values[i] + " of an I32 input is not an int");
                }
                ints[i] = (int) values[i];
            }
            backend.upload(ints, target);
        } else if (dtype == DType.F32) {
            backend.upload(toFloats(values), target);
        } else {
            backend.upload(values, target);
        }
    }

    /** Every element of {@code buffer}, widened to double. */
    public double[] download(Buffer buffer) {
        return download(buffer, Math.toIntExact(buffer.length()));
    }

    /** The first {@code length} elements of {@code buffer}, widened to double. */
    public double[] download(Buffer buffer, int length) {
        if (buffer.dtype() == DType.I32) {
            int[] ints = new int[length];
            backend.download(buffer, ints);
            double[] values = new double[length];
            for (int i = 0; i < length; i++) {
                values[i] = ints[i];
            }
            return values;
        }
        if (dtype == DType.F32) {
            float[] floats = new float[length];
            backend.download(buffer, floats);
            double[] values = new double[length];
            for (int i = 0; i < length; i++) {
                values[i] = floats[i];
            }
            return values;
        }
        double[] values = new double[length];
        backend.download(buffer, values);
        return values;
    }

    /** {@code buffer} downloaded as a named output. */
    public Output output(String name, Buffer buffer) {
        return new Output(name, download(buffer));
    }

    static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    @Override
    public void close() {
        for (Buffer buffer : buffers) {
            if (!buffer.isFreed()) {
                backend.free(buffer);
            }
        }
        buffers.clear();
    }
}
