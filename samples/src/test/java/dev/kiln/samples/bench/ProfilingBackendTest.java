package dev.kiln.samples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.UnaryOp;
import dev.kiln.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

class ProfilingBackendTest {

    @Test
    void forwardsCallsAndCountsThemByKind() {
        try (ProfilingBackend backend = new ProfilingBackend(new CpuBackend())) {
            Buffer a = backend.allocate(DType.F32, 4);
            Buffer b = backend.allocate(DType.F32, 4);
            Buffer c = backend.allocate(DType.F32, 4);
            backend.upload(new float[] {1, 2, 3, 4}, a);
            backend.upload(new float[] {1, 0, 0, -1}, b);
            backend.gemm(false, false, 2, 2, 2, 1, a, b, 0, c);
            backend.unary(UnaryOp.RELU, 0, 0, c, c);
            float[] out = new float[4];
            backend.download(c, out);

            assertArrayEquals(new float[] {1, 0, 3, 0}, out);
            assertEquals(3, backend.times().get("allocate").calls());
            assertEquals(2, backend.times().get("upload").calls());
            assertEquals(1, backend.times().get("gemm NN 2x2x2").calls());
            assertEquals(1, backend.times().get("unary RELU").calls());
            assertTrue(backend.times().get("gemm NN 2x2x2").nanos() > 0);
            backend.reset();
            assertTrue(backend.times().isEmpty());
            backend.free(a);
            backend.free(b);
            backend.free(c);
            assertEquals(0, backend.liveBuffers());
        }
    }
}
