package dev.kiln.opencl;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;
import org.jocl.cl_mem;
import org.slf4j.LoggerFactory;

/**
 * Non-blocking buffer reads and writes without JOCL's tracking. JOCL's public calls hand every non-blocking transfer
 * to a thread of their own pool, which waits for the transfer's event only to keep the host buffer reachable until
 * then: two thread wake-ups per transfer, which on a 2-core machine take the cores from the device's workers (the
 * MNIST MLP at batch 32 on PoCL: half the context switches and 4-14% less time per step without them). Kiln keeps
 * that memory itself until the command has finished ({@link UploadMemory}'s claims, the buffer of a {@link
 * ClPendingDownload} held while the read is in flight, the staging halves), so these calls enqueue through JOCL's
 * native methods directly. Where a JOCL version lacks them, the public calls are used. The host pointer of a
 * non-blocking transfer must point into a direct buffer that outlives the command: the public calls refuse any
 * other pointer, these do not check (every caller passes one of the direct blocks above).
 */
final class UntrackedTransfers {
    private static final MethodHandle WRITE = nativeTransfer("clEnqueueWriteBufferNative");
    private static final MethodHandle READ = nativeTransfer("clEnqueueReadBufferNative");

    private UntrackedTransfers() {
    }

    /** Whether transfers bypass JOCL's tracking (its native methods were found). */
    static boolean available() {
        return WRITE != null && READ != null;
    }

    /** clEnqueueWriteBuffer of {@code bytes} from {@code host} into {@code target} at {@code offset}. */
    static int write(cl_command_queue queue, cl_mem target, boolean blocking, long offset, long bytes, Pointer host,
                     cl_event event) {
        if (blocking || WRITE == null) {
            return CL.clEnqueueWriteBuffer(queue, target, blocking, offset, bytes, host, 0, null, event);
        }
        return invoke(WRITE, queue, target, offset, bytes, host, event);
    }

    /** Non-blocking clEnqueueReadBuffer of {@code bytes} from {@code source} at {@code offset} into {@code host}. */
    static int read(cl_command_queue queue, cl_mem source, long offset, long bytes, Pointer host, cl_event event) {
        if (READ == null) {
            return CL.clEnqueueReadBuffer(queue, source, false, offset, bytes, host, 0, null, event);
        }
        return invoke(READ, queue, source, offset, bytes, host, event);
    }

    /** The status, unchecked: callers check it (Kiln leaves JOCL's exceptions off). */
    private static int invoke(MethodHandle transfer, cl_command_queue queue, cl_mem memory, long offset, long bytes,
                              Pointer host, cl_event event) {
        try {
            return (int) transfer.invokeExact(queue, memory, false, offset, bytes, host, 0, (cl_event[]) null, event);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("JOCL's native transfer failed", e);
        }
    }

    private static MethodHandle nativeTransfer(String name) {
        try {
            return MethodHandles.privateLookupIn(CL.class, MethodHandles.lookup()).findStatic(CL.class, name,
                    MethodType.methodType(int.class, cl_command_queue.class, cl_mem.class, boolean.class, long.class,
                            long.class, Pointer.class, int.class, cl_event[].class, cl_event.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(UntrackedTransfers.class).debug(
                    "JOCL has no {} to call: non-blocking transfers go through its tracked calls", name, e);
            return null;
        }
    }
}
