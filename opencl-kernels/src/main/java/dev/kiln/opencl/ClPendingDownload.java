package dev.kiln.opencl;

import dev.kiln.backend.PendingDownload;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_event;

/**
 * A read enqueued without blocking ({@link ClTransfers#downloadLater}) into direct memory of its own. The transfers
 * hold it until it has been awaited or the queue waited on, so the device never writes memory already collected.
 */
final class ClPendingDownload implements PendingDownload {
    private final ClTransfers transfers;
    private final ReentrantLock lock;
    private final ByteBuffer host;
    private final int count;
    private final boolean doubles;
    private final long uploadMark;
    private final Supplier<String> what;
    private final cl_event event = new cl_event();
    private double[] values;

    /**
     * A read of {@code count} elements of {@code elementBytes}; {@code uploadMark} marks the uploads queued before
     * it, which have finished once it has.
     */
    ClPendingDownload(ClTransfers transfers, ReentrantLock lock, int count, int elementBytes, long uploadMark,
                      Supplier<String> what) {
        this.transfers = transfers;
        this.lock = lock;
        this.host = ByteBuffer.allocateDirect(count * elementBytes).order(ByteOrder.nativeOrder());
        this.count = count;
        this.doubles = elementBytes == Double.BYTES;
        this.uploadMark = uploadMark;
        this.what = what;
    }

    Pointer host() {
        return Pointer.to(host);
    }

    cl_event event() {
        return event;
    }

    long uploadMark() {
        return uploadMark;
    }

    @Override
    public double[] await() {
        lock.lock();
        try {
            if (values == null) {
                ClStatus.check(CL.clWaitForEvents(1, new cl_event[] {event}), what);
                transfers.finished(this);
            }
            return values.clone();
        } finally {
            lock.unlock();
        }
    }

    /** Takes the values from the host memory and releases the event: the read has finished. */
    void complete() {
        values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = doubles ? host.getDouble(i * Double.BYTES) : host.getFloat(i * Float.BYTES);
        }
        CL.clReleaseEvent(event);
    }
}
