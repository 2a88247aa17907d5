package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.UnaryOp;
import org.junit.jupiter.api.Test;

/** Small hand-computed results, independent of any other backend. */
class KnownAnswerTest {
    private final OpenClBackend backend = OpenClTestSupport.backend();

    private Buffer of(float... values) {
        Buffer buffer = backend.allocate(DType.F32, values.length);
        backend.upload(values, buffer);
        return buffer;
    }

    private float[] read(Buffer buffer) {
        float[] out = new float[(int) buffer.length()];
        backend.download(buffer, out);
        backend.free(buffer);
        return out;
    }

    @Test
    void gemmOfTwoByTwo() {
        Buffer a = of(1, 2, 3, 4);
        Buffer b = of(5, 6, 7, 8);
        Buffer c = of(1, 1, 1, 1);
        backend.gemm(false, false, 2, 2, 2, 2, a, b, 1, c);
        assertArrayEquals(new float[] {39, 45, 87, 101}, read(c));
        backend.free(a);
        backend.free(b);
    }

    @Test
    void reluAndAffine() {
        Buffer x = of(-1, 0, 2.5f);
        Buffer y = backend.allocate(DType.F32, 3);
        backend.unary(UnaryOp.RELU, 0, 0, x, y);
        assertArrayEquals(new float[] {0, 0, 2.5f}, read(y));
        backend.unary(UnaryOp.AFFINE, 2, 1, x, x);
        assertArrayEquals(new float[] {-1, 1, 6}, read(x));
    }
}
