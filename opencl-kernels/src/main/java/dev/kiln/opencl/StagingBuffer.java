package dev.kiln.opencl;

import dev.kiln.KilnException;
import dev.kiln.KilnSettings;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_event;
import org.jocl.cl_mem;

/**
 * Pinned host memory that transfers pass through in chunks: a buffer created with CL_MEM_ALLOC_HOST_PTR and mapped
 * once, whose mapped halves are the host side of clEnqueueWriteBuffer and clEnqueueReadBuffer, so that a discrete
 * GPU copies them by DMA instead of the driver first copying pageable memory into pinned memory of its own. Uploads
 * alternate between the halves, so the host fills one while the device reads the other; a non-blocking upload still
 * reads its half after its call returns, so the next use of that half waits for the upload first.
 */
final class StagingBuffer implements AutoCloseable {
    /** Default size: large enough for a transfer at full speed, small enough to pin without a thought. */
    static final int DEFAULT_BYTES = 8 << 20;

    /** One half of the memory: its mapped view (native order) and the latest upload reading it. */
    static final class Half {
        private final ByteBuffer host;
        private final Pointer pointer;
        private cl_event reading;

        private Half(ByteBuffer host) {
            this.host = host.order(ByteOrder.nativeOrder());
            this.pointer = Pointer.to(host);
        }

        /** The mapped memory, at byte 0. */
        ByteBuffer host() {
            return host;
        }

        /** The mapped memory as the host pointer of a transfer. */
        Pointer pointer() {
            return pointer;
        }

        /** Records {@code event}, an upload from this half, as the one to wait for before the next use. */
        void reading(cl_event event) {
            reading = event;
        }

        private void await() {
            if (reading != null) {
                ClStatus.check(CL.clWaitForEvents(1, new cl_event[] {reading}), "waiting for an upload from staging");
                forget();
            }
        }

        private void forget() {
            if (reading != null) {
                CL.clReleaseEvent(reading);
                reading = null;
            }
        }
    }

    private final ClContext context;
    private final int bytes;
    private cl_mem memory;
    private ByteBuffer mapped;
    private Half[] halves;
    private int next;

    StagingBuffer(ClContext context, int bytes) {
        if (bytes <= 0 || bytes % (2 * Double.BYTES) != 0) {
            throw new IllegalArgumentException("staging bytes must be a positive multiple of 16: " + bytes);
        }
        this.context = context;
        this.bytes = bytes;
    }

    /**
     * Bytes of staging wanted on {@code device} under the setting {@code kiln.opencl.staging}: "auto" (default)
     * stages on devices without host-unified memory (discrete GPUs), "on" and "off" force it; 0 means none.
     */
    static int wantedBytes(ClDevice device) {
        String mode = KilnSettings.openClStaging().toLowerCase(Locale.ROOT);
        boolean wanted = switch (mode) {
            case "auto" -> !device.unifiedMemory();
            case "on" -> true;
            case "off" -> false;
            default -> throw new KilnException("kiln.opencl.staging is '" + mode + "'; expected 'auto', 'on' or 'off'");
        };
        return wanted ? DEFAULT_BYTES : 0;
    }

    /** Bytes of one chunk: half the memory. */
    int chunkBytes() {
        return bytes / 2;
    }

    /** The next half, once no upload reads it any more; the memory is created on first use. */
    Half claim() {
        if (memory == null) {
            create();
        }
        Half half = halves[next];
        next = 1 - next;
        half.await();
        return half;
    }

    /** Forgets the pending uploads: the queue has been waited on since they were enqueued. */
    void uploaded() {
        if (halves != null) {
            for (Half half : halves) {
                half.forget();
            }
        }
    }

    private void create() {
        int[] error = new int[1];
        cl_mem created = CL.clCreateBuffer(context.context(), CL.CL_MEM_READ_WRITE | CL.CL_MEM_ALLOC_HOST_PTR,
                bytes, null, error);
        ClStatus.check(error[0], () -> "creating a pinned staging buffer of " + bytes + " bytes");
        ByteBuffer view = CL.clEnqueueMapBuffer(context.queue(), created, true, CL.CL_MAP_READ | CL.CL_MAP_WRITE,
                0, bytes, 0, null, null, error);
        if (error[0] != CL.CL_SUCCESS) {
            CL.clReleaseMemObject(created);
        }
        ClStatus.check(error[0], () -> "mapping a pinned staging buffer of " + bytes + " bytes");
        memory = created;
        mapped = view;
        halves = new Half[] {new Half(view.slice(0, chunkBytes())), new Half(view.slice(chunkBytes(), chunkBytes()))};
    }

    /** Unmaps and releases the memory; the queue must have been waited on. */
    @Override
    public void close() {
        uploaded();
        if (memory != null) {
            CL.clEnqueueUnmapMemObject(context.queue(), memory, mapped, 0, null, null);
            CL.clFinish(context.queue());
            CL.clReleaseMemObject(memory);
            memory = null;
            mapped = null;
            halves = null;
        }
    }
}
