package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import dev.kiln.backend.UnaryOp;
import java.util.Arrays;
import org.jocl.cl_mem;
import org.junit.jupiter.api.Test;

/** A launch sets only the arguments its kernel does not hold, and results stay those of every argument set anew. */
class KernelArgumentsTest {
    private static final int LENGTH = 100;

    @Test
    void aBufferIsHeldOnlyAsTheSameMemoryObjectNotAsTheSameHandle() {
        cl_mem first = new cl_mem();
        cl_mem second = new cl_mem();
        // Two objects not yet created on a device share the handle 0: a released handle reused by another buffer.
        assertEquals(first.getNativePointer(), second.getNativePointer());
        KernelArguments held = new KernelArguments();
        held.record(0, KernelArgument.buffer(first));
        assertTrue(held.holds(0, KernelArgument.buffer(first)));
        assertFalse(held.holds(0, KernelArgument.buffer(second)));
        assertFalse(held.holds(1, KernelArgument.buffer(first)), "an index never set");
    }

    @Test
    void scalarsVectorsAndLocalMemoryAreHeldByValue() {
        KernelArguments held = new KernelArguments();
        held.record(0, KernelArgument.scalar(4, 7));
        held.record(1, KernelArgument.longs(new long[] {1, 2, 3, 4}));
        held.record(2, KernelArgument.local(256));
        assertTrue(held.holds(0, KernelArgument.scalar(4, 7)));
        assertFalse(held.holds(0, KernelArgument.scalar(4, 8)));
        assertFalse(held.holds(0, KernelArgument.scalar(8, 7)), "same bits, another width");
        assertTrue(held.holds(1, KernelArgument.longs(new long[] {1, 2, 3, 4})));
        assertFalse(held.holds(1, KernelArgument.longs(new long[] {1, 2, 3, 5})));
        assertTrue(held.holds(2, KernelArgument.local(256)));
        assertFalse(held.holds(2, KernelArgument.local(512)));
        assertFalse(held.holds(2, KernelArgument.scalar(256, 0)), "local memory is not a value");
        held.record(0, null);
        assertFalse(held.holds(0, KernelArgument.scalar(4, 7)), "a failed set leaves the value unknown");
    }

    @Test
    void aRepeatedLaunchSetsNothingAndAChangedBufferOnlyItself() {
        OpenClBackend backend = OpenClTestSupport.backend();
        Buffer x = upload(backend, 1);
        Buffer out = backend.allocate(DType.F32, LENGTH);
        Buffer other = backend.allocate(DType.F32, LENGTH);
        try {
            backend.unary(UnaryOp.AFFINE, 2, 1, x, out);
            long before = backend.kernelArgumentsSet();
            backend.unary(UnaryOp.AFFINE, 2, 1, x, out);
            assertEquals(before, backend.kernelArgumentsSet(), "the same launch again");
            backend.unary(UnaryOp.AFFINE, 2, 1, x, other);
            assertEquals(before + 1, backend.kernelArgumentsSet(), "a new output buffer");
            assertValues(backend, other, 3);
            backend.unary(UnaryOp.AFFINE, 3, 1, x, out);
            long afterNewScalar = backend.kernelArgumentsSet();
            assertTrue(afterNewScalar > before + 1, "another scalar: a second kernel object, its arguments all set");
            assertValues(backend, out, 4);
            backend.unary(UnaryOp.AFFINE, 2, 1, x, other);
            assertEquals(afterNewScalar, backend.kernelArgumentsSet(), "the first kernel object holds these");
            assertValues(backend, other, 3);
            backend.unary(UnaryOp.AFFINE, 3, 1, x, other);
            assertEquals(afterNewScalar + 1, backend.kernelArgumentsSet(), "the second object, another buffer");
            assertValues(backend, other, 4);
        } finally {
            backend.free(x);
            backend.free(out);
            backend.free(other);
        }
    }

    @Test
    void aFreedBufferWhoseMemoryComesBackIsReadAsTheNewBuffer() {
        OpenClBackend backend = OpenClTestSupport.backend();
        Buffer out = backend.allocate(DType.F32, LENGTH);
        try {
            for (int value = 1; value <= 3; value++) {
                // the pool may hand the freed block to the next buffer of the same size, or another one
                Buffer x = upload(backend, value);
                backend.unary(UnaryOp.AFFINE, 1, 0, x, out);
                assertValues(backend, out, value);
                backend.free(x);
            }
        } finally {
            backend.free(out);
        }
    }

    private static Buffer upload(OpenClBackend backend, float value) {
        float[] values = new float[LENGTH];
        Arrays.fill(values, value);
        Buffer buffer = backend.allocate(DType.F32, LENGTH);
        backend.upload(values, buffer);
        return buffer;
    }

    private static void assertValues(OpenClBackend backend, Buffer buffer, float expected) {
        float[] actual = new float[LENGTH];
        backend.download(buffer, actual);
        float[] wanted = new float[LENGTH];
        Arrays.fill(wanted, expected);
        assertArrayEquals(wanted, actual);
    }
}
