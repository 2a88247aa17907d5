package dev.kiln.opencl;

import dev.kiln.backend.TransferStats;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_event;

/**
 * Uploads and downloads between Java arrays and device buffers, counted: uploads are non-blocking (except on Mesa's
 * rusticl, see {@link #uploadsBlock}), downloads block, and {@link #downloadLater} reads without blocking. Without
 * staging an upload enqueues from direct host copies in {@link UploadMemory}, in chunks, claimed until the queue has
 * been waited on and reused after (the queue is waited on first when they would hold too much); with a {@link
 * StagingBuffer} both directions pass through its pinned memory in chunks.
 */
final class ClTransfers implements AutoCloseable {
    /** Copies {@code count} elements between a Java array, from its element {@code from}, and byte 0 of host. */
    @FunctionalInterface
    interface HostCopy {
        void copy(ByteBuffer host, int from, int count);
    }

    private final ClContext context;
    private final OutOfMemoryRetry retry;
    private final StagingBuffer staging;
    private final boolean blockingUploads;
    /** Host copies of uploads in flight, claimed until the queue has been waited on. */
    private final UploadMemory uploadMemory = new UploadMemory();
    /** Reads enqueued by {@link #downloadLater} and not yet finished, in the order they were queued. */
    private final List<ClPendingDownload> readsInFlight = new ArrayList<>();
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong uploadedBytes = new AtomicLong();
    private final AtomicLong downloads = new AtomicLong();
    private final AtomicLong downloadedBytes = new AtomicLong();

    /** Transfers on {@code context}'s queue, through {@code stagingBytes} of pinned memory (0: none). */
    ClTransfers(ClContext context, OutOfMemoryRetry retry, int stagingBytes) {
        this.context = context;
        this.retry = retry;
        this.staging = stagingBytes > 0 ? new StagingBuffer(context, stagingBytes) : null;
        this.blockingUploads = uploadsBlock(context.device());
    }

    /**
     * Whether uploads to {@code device} block. On Mesa 22.3's rusticl, with non-blocking uploads about every other
     * run of the parity catalogue had a case with wrong elements (zeros where the result belonged), even with the
     * queue finished before each download; with blocking uploads none did in 14 runs.
     */
    static boolean uploadsBlock(ClDevice device) {
        return device.platformName().toLowerCase(Locale.ROOT).contains("rusticl");
    }

    /** Whether transfers pass through pinned staging memory. */
    boolean staged() {
        return staging != null;
    }

    /** Enqueues the upload of {@code count} elements of {@code elementBytes} into {@code target}. */
    void upload(ClBuffer target, int count, int elementBytes, HostCopy copyIn) {
        long bytes = (long) count * elementBytes;
        if (bytes == 0) {
            return;
        }
        if (staging != null) {
            int perChunk = staging.chunkBytes() / elementBytes;
            for (int from = 0; from < count; from += perChunk) {
                int n = Math.min(perChunk, count - from);
                StagingBuffer.Half half = staging.claim();
                copyIn.copy(half.host(), from, n);
                cl_event event = new cl_event();
                write(target, (long) from * elementBytes, (long) n * elementBytes, half.pointer(), event);
                half.reading(event);
            }
        } else {
            int perChunk = UploadMemory.CHUNK_BYTES / elementBytes;
            for (int from = 0; from < count; from += perChunk) {
                int n = Math.min(perChunk, count - from);
                int chunkBytes = n * elementBytes;
                if (!uploadMemory.fits(chunkBytes)) {
                    context.finish();
                    queueWaited();
                }
                UploadMemory.Block host = uploadMemory.claim(chunkBytes);
                copyIn.copy(host.host(), from, n);
                write(target, (long) from * elementBytes, chunkBytes, host.pointer(), null);
            }
        }
        uploads.incrementAndGet();
        uploadedBytes.addAndGet(bytes);
    }

    /**
     * Downloads {@code count} elements of {@code elementBytes} from {@code source}, straight into {@code direct}
     * (the array) or through the staging memory and {@code copyOut}.
     */
    void download(ClBuffer source, int count, int elementBytes, Pointer direct, HostCopy copyOut) {
        long bytes = (long) count * elementBytes;
        // An empty download enqueues nothing and so waits for nothing: the upload copies must stay.
        if (bytes == 0) {
            return;
        }
        if (staging != null) {
            int perChunk = staging.chunkBytes() / elementBytes;
            for (int from = 0; from < count; from += perChunk) {
                int n = Math.min(perChunk, count - from);
                StagingBuffer.Half half = staging.claim();
                read(source, (long) from * elementBytes, (long) n * elementBytes, half.pointer());
                copyOut.copy(half.host(), from, n);
            }
        } else {
            read(source, 0, bytes, direct);
        }
        downloads.incrementAndGet();
        downloadedBytes.addAndGet(bytes);
        queueWaited();
    }

    /**
     * Enqueues the read of the first {@code count} elements of {@code source} (F32 or F64) without blocking; awaiting
     * the result, under {@code lock}, also frees the host copies of the uploads queued before it.
     */
    ClPendingDownload downloadLater(ClBuffer source, int count, int elementBytes, ReentrantLock lock) {
        long bytes = (long) count * elementBytes;
        Supplier<String> what = () -> "download of " + bytes + " bytes from " + source + " (or an earlier kernel)";
        ClPendingDownload pending = new ClPendingDownload(this, lock, count, elementBytes, uploadMemory.mark(), what);
        if (bytes > 0) {
            ClStatus.check(retry.enqueue(() -> UntrackedTransfers.read(context.queue(), source.memory(), 0,
                    bytes, pending.host(), pending.event()), source::capacityBytes, what), what);
        } else {
            // Nothing to read: a marker event still says when the commands before it have finished.
            ClStatus.check(CL.clEnqueueMarkerWithWaitList(context.queue(), 0, null, pending.event()), what);
        }
        readsInFlight.add(pending);
        downloads.incrementAndGet();
        downloadedBytes.addAndGet(bytes);
        return pending;
    }

    /** {@code read}, and everything queued before it, has finished. */
    void finished(ClPendingDownload read) {
        read.complete();
        readsInFlight.remove(read);
        uploadMemory.finishedBefore(read.uploadMark());
    }

    /** Bytes of upload host copies still held because no command queued after them is known to have finished. */
    long pendingUploadBytes() {
        return uploadMemory.pendingBytes();
    }

    /** Frees what in-flight uploads read, and completes the reads in flight; only once the queue has been waited on. */
    void queueWaited() {
        readsInFlight.forEach(ClPendingDownload::complete);
        readsInFlight.clear();
        uploadMemory.queueWaited();
        if (staging != null) {
            staging.uploaded();
        }
    }

    /** The host memory of unstaged uploads. */
    UploadMemory uploadMemory() {
        return uploadMemory;
    }

    TransferStats stats() {
        return new TransferStats(uploads.get(), uploadedBytes.get(), downloads.get(), downloadedBytes.get());
    }

    private void write(ClBuffer target, long offset, long bytes, Pointer host, cl_event event) {
        ClStatus.check(retry.enqueue(() -> UntrackedTransfers.write(context.queue(), target.memory(), blockingUploads,
                offset, bytes, host, event), target::capacityBytes, () -> "upload of " + bytes + " bytes into "
                + target), () -> "upload of " + bytes + " bytes into " + target);
    }

    private void read(ClBuffer source, long offset, long bytes, Pointer host) {
        ClStatus.check(retry.enqueue(() -> CL.clEnqueueReadBuffer(context.queue(), source.memory(), true, offset,
                bytes, host, 0, null, null), source::capacityBytes, () -> "download of " + bytes + " bytes from "
                + source), () -> "download of " + bytes + " bytes from " + source + " (or an earlier kernel)");
    }

    /** Releases the staging memory; the queue must have been waited on. */
    @Override
    public void close() {
        queueWaited();
        if (staging != null) {
            staging.close();
        }
    }
}
