package dev.kiln.io;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.DType;
import dev.kiln.tensor.Shape;
import dev.kiln.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A tensor's values on the host as safetensors stores them: dtype, shape and row-major little-endian bytes.
 * The buffer is read-only and compares by content.
 */
public record StoredTensor(DType dtype, Shape shape, ByteBuffer data) {

    public StoredTensor {
        long expected = shape.size() * dtype.bytes();
        if (data.remaining() != expected) {
            throw new KilnException(dtype + " tensor of shape " + shape + " needs " + expected + " bytes, got "
                    + data.remaining());
        }
        data = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The bytes, as a little-endian read-only view positioned at the first byte. */
    @Override
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** An F32 tensor holding {@code values} (row-major). */
    public static StoredTensor ofFloats(Shape shape, float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return new StoredTensor(DType.F32, shape, bytes);
    }

    /** An F64 tensor holding {@code values} (row-major). */
    public static StoredTensor ofDoubles(Shape shape, double... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asDoubleBuffer().put(values);
        return new StoredTensor(DType.F64, shape, bytes);
    }

    /** The values of {@code tensor}, downloaded from its device in its own dtype. */
    public static StoredTensor of(Tensor tensor) {
        return tensor.dtype() == DType.F64
                ? ofDoubles(tensor.shape(), tensor.toDoubleArray())
                : ofFloats(tensor.shape(), tensor.toFloatArray());
    }

    /** The values as floats (F64 values are rounded). */
    public float[] floats() {
        float[] out = new float[Math.toIntExact(shape.size())];
        if (dtype == DType.F32) {
            data().asFloatBuffer().get(out);
        } else {
            double[] d = doubles();
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) d[i];
            }
        }
        return out;
    }

    /** The values as doubles. */
    public double[] doubles() {
        double[] out = new double[Math.toIntExact(shape.size())];
        if (dtype == DType.F64) {
            data().asDoubleBuffer().get(out);
        } else {
            float[] f = floats();
            for (int i = 0; i < out.length; i++) {
                out[i] = f[i];
            }
        }
        return out;
    }

    /** A new tensor of {@code target} dtype on {@code backend} holding these values, converted when dtypes differ. */
    public Tensor toTensor(Backend backend, DType target) {
        return target == DType.F64 ? Tensor.of(backend, shape, doubles()) : Tensor.of(backend, shape, floats());
    }

    /** Copies these values into an existing tensor of the same shape (the tensor's dtype wins). */
    public void copyInto(Tensor tensor) {
        if (!tensor.shape().equals(shape)) {
            throw new KilnException("stored values of shape " + shape + " do not fit tensor of shape "
                    + tensor.shape());
        }
        if (tensor.dtype() == DType.F64) {
            tensor.backend().upload(doubles(), tensor.buffer());
        } else {
            tensor.backend().upload(floats(), tensor.buffer());
        }
    }
}
