package dev.kiln.opencl;

import dev.kiln.KilnException;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jocl.CL;

/**
 * Enqueues commands where a driver that allocates buffers lazily (NVIDIA's) first finds the device memory short: an
 * enqueue answered with CL_MEM_OBJECT_ALLOCATION_FAILURE or CL_OUT_OF_RESOURCES releases the pooled blocks, waits for
 * the queue and is tried once more; a second such answer is a {@link KilnException} naming the bytes the command
 * needs, the device's memory and the bytes live and pooled. Every command of a call passes through here, so the
 * commands enqueued are counted here too.
 */
final class OutOfMemoryRetry {
    private final ClContext context;
    private final BufferPool pool;
    private int injectedFailures;
    private long commands;

    OutOfMemoryRetry(ClContext context, BufferPool pool) {
        this.context = context;
        this.pool = pool;
    }

    /** Whether {@code status} says the device ran out of memory for a command. */
    static boolean outOfMemory(int status) {
        return status == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL.CL_OUT_OF_RESOURCES;
    }

    /**
     * Runs {@code enqueue} (which returns an OpenCL status), retrying once after an out-of-memory answer; returns
     * the final status, never an out-of-memory one. {@code bytes} is what the command needs resident on the device.
     */
    int enqueue(IntSupplier enqueue, LongSupplier bytes, Supplier<String> what) {
        commands++;
        int status = attempt(enqueue);
        if (!outOfMemory(status)) {
            return status;
        }
        pool.clear();
        try {
            context.finish();
        } catch (KilnException e) {
            throw new KilnException(failure(bytes, what, status) + "; waiting for the queue failed too", e);
        }
        status = attempt(enqueue);
        if (outOfMemory(status)) {
            throw new KilnException(failure(bytes, what, status));
        }
        return status;
    }

    /** Commands enqueued so far (kernels, transfers, copies, fills), a retried one counted once. */
    long commands() {
        return commands;
    }

    /** Makes the next {@code count} enqueues answer CL_MEM_OBJECT_ALLOCATION_FAILURE without running; for tests. */
    void failNext(int count) {
        injectedFailures = count;
    }

    private int attempt(IntSupplier enqueue) {
        if (injectedFailures > 0) {
            injectedFailures--;
            return CL.CL_MEM_OBJECT_ALLOCATION_FAILURE;
        }
        return enqueue.getAsInt();
    }

    private String failure(LongSupplier bytes, Supplier<String> what, int status) {
        return what.get() + " failed: " + ClStatus.name(status) + " after releasing the pool and retrying: out of"
                + " device memory, " + pool.usage(bytes.getAsLong());
    }
}
