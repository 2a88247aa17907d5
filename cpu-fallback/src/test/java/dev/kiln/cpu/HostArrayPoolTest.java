package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.kiln.backend.Buffer;
import dev.kiln.backend.DType;
import org.junit.jupiter.api.Test;

/** Freed large arrays come back for the same length; small ones and other lengths get new arrays. */
class HostArrayPoolTest {

    @Test
    void aFreedLargeArrayServesTheNextAllocationOfItsLength() {
        HostArrayPool pool = new HostArrayPool();
        float[] large = pool.floats(HostArrayPool.MIN_LENGTH);
        pool.give(large);
        assertEquals((long) HostArrayPool.MIN_LENGTH * Float.BYTES, pool.bytes());
        assertNotSame(large, pool.floats(HostArrayPool.MIN_LENGTH + 1), "another length gets a new array");
        assertSame(large, pool.floats(HostArrayPool.MIN_LENGTH));
        assertEquals(0, pool.bytes(), "taken arrays leave the pool");

        double[] doubles = pool.doubles(HostArrayPool.MIN_LENGTH);
        pool.give(doubles);
        assertSame(doubles, pool.doubles(HostArrayPool.MIN_LENGTH));

        float[] small = new float[HostArrayPool.MIN_LENGTH - 1];
        pool.give(small);
        assertEquals(0, pool.bytes(), "small arrays are left to the JVM");
        assertNotSame(small, pool.floats(small.length));
    }

    @Test
    void theBackendReusesArraysAndClosingEmptiesThePool() {
        CpuBackend backend = new CpuBackend();
        Buffer first = backend.allocate(DType.F32, HostArrayPool.MIN_LENGTH);
        float[] storage = ((CpuBuffer) first).floats();
        backend.fill(first, 3);
        backend.free(first);
        Buffer second = backend.allocate(DType.F32, HostArrayPool.MIN_LENGTH);
        assertSame(storage, ((CpuBuffer) second).floats(), "the freed array is reused, contents unspecified");
        backend.free(second);
        backend.close();
        Buffer afterClose = new CpuBackend().allocate(DType.F32, HostArrayPool.MIN_LENGTH);
        assertNotSame(storage, ((CpuBuffer) afterClose).floats());
    }
}
