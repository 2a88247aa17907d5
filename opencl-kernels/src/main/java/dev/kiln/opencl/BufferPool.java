package dev.kiln.opencl;

import dev.kiln.KilnException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jocl.CL;
import org.jocl.cl_mem;

/**
 * Device memory blocks reused by size class: a request is rounded up to the next class (4, 5, 6 or 7 times a
 * power of two, so at most 25% is wasted) and served from freed blocks of that class when there are any.
 * The in-order queue makes reuse safe: work issued after a block is handed out again runs after the work
 * that used it before. A freed block is kept only while live and pooled blocks together stay within three quarters
 * of the device memory, so that the pool never holds memory that new sizes of block need.
 */
final class BufferPool implements AutoCloseable {
    private static final long SMALLEST_CLASS = 256;

    private final ClContext context;
    private final long maxAllocationBytes;
    private final long maxHeldBytes;
    private final Map<Long, ArrayDeque<cl_mem>> free = new HashMap<>();
    /** Changed under the backend's lock only; read by {@code memory()} from any thread. */
    private volatile long pooledBytes;
    private volatile long liveBytes;
    private long createdBlocks;

    BufferPool(ClContext context) {
        this.context = context;
        this.maxAllocationBytes = context.device().info().maxAllocationBytes();
        this.maxHeldBytes = context.device().info().globalMemoryBytes() / 4 * 3;
    }

    /** The block size serving a request of {@code bytes}. */
    static long sizeClass(long bytes) {
        if (bytes <= SMALLEST_CLASS) {
            return SMALLEST_CLASS;
        }
        int shift = 63 - Long.numberOfLeadingZeros(bytes) - 2;
        long step = 1L << shift;
        return (bytes + step - 1) / step * step;
    }

    /** A live block of at least {@code bytes}; its capacity is written to {@code capacity[0]}. */
    cl_mem acquire(long bytes, long[] capacity, Supplier<String> what) {
        if (bytes > maxAllocationBytes) {
            throw new KilnException(what.get() + ": " + bytes + " bytes asked, but " + context.device().info().name()
                    + " allows at most " + maxAllocationBytes + " bytes in one buffer ("
                    + context.device().info().globalMemoryBytes() + " bytes of device memory in all)");
        }
        long size = Math.min(sizeClass(bytes), maxAllocationBytes);
        capacity[0] = size;
        ArrayDeque<cl_mem> blocks = free.get(size);
        if (blocks != null && !blocks.isEmpty()) {
            pooledBytes -= size;
            liveBytes += size;
            return blocks.pop();
        }
        int[] error = new int[1];
        cl_mem memory = CL.clCreateBuffer(context.context(), CL.CL_MEM_READ_WRITE, size, null, error);
        if (OutOfMemoryRetry.outOfMemory(error[0])) {
            clear();
            memory = CL.clCreateBuffer(context.context(), CL.CL_MEM_READ_WRITE, size, null, error);
        }
        ClStatus.check(error[0], () -> what.get() + " (" + usage(bytes) + ")");
        createdBlocks++;
        liveBytes += size;
        return memory;
    }

    /** Bytes of live blocks: handed out and not yet released. */
    long liveBytes() {
        return liveBytes;
    }

    /** Blocks created on the device so far, rather than served from the pool. */
    long createdBlocks() {
        return createdBlocks;
    }

    /** Bytes of freed blocks kept for reuse. */
    long pooledBytes() {
        return pooledBytes;
    }

    /** "{bytes} bytes asked; {device} has {n} bytes of memory, {l} bytes live and {p} bytes pooled". */
    String usage(long bytes) {
        return bytes + " bytes asked; " + context.device().info().name() + " has "
                + context.device().info().globalMemoryBytes() + " bytes of memory, " + liveBytes + " bytes live and "
                + pooledBytes + " bytes pooled";
    }

    /** Takes a live block back for reuse, or releases it when keeping it would hold too much. */
    void release(cl_mem memory, long capacity) {
        liveBytes -= capacity;
        if (liveBytes + pooledBytes + capacity > maxHeldBytes) {
            CL.clReleaseMemObject(memory);
            return;
        }
        free.computeIfAbsent(capacity, c -> new ArrayDeque<>()).push(memory);
        pooledBytes += capacity;
    }

    /** Releases every pooled block. */
    void clear() {
        free.values().forEach(blocks -> blocks.forEach(CL::clReleaseMemObject));
        free.clear();
        pooledBytes = 0;
    }

    /** Releases the pooled blocks; live ones are the backend's to release, and count as released from now on. */
    @Override
    public void close() {
        clear();
        liveBytes = 0;
    }
}
