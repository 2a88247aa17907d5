package dev.kiln.train;

import dev.kiln.backend.Backend;
import dev.kiln.backend.DeviceMemory;
import dev.kiln.backend.TransferStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DEBUG line after every epoch with the backend's live buffers, the bytes they hold and the bytes kept for reuse,
 * and the host-device transfers of the epoch: over a long run, numbers that keep growing are a leak.
 */
public final class DeviceUsageLog {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceUsageLog.class);

    private final Backend backend;
    private TransferStats before;

    /** Counts transfers from now on. */
    public DeviceUsageLog(Backend backend) {
        this.backend = backend;
        this.before = backend.transfers();
    }

    /** Logs the memory now and the transfers since the previous epoch ended (or since this log began). */
    public void epochEnded(int epoch) {
        TransferStats now = backend.transfers();
        TransferStats moved = now.since(before);
        before = now;
        if (LOG.isDebugEnabled()) {
            DeviceMemory memory = backend.memory();
            LOG.debug("epoch {}: {} live buffers, {} bytes in use, {} bytes pooled; {} uploads ({} bytes), {} downloads"
                            + " ({} bytes)", epoch, memory.liveBuffers(), memory.bytesInUse(), memory.pooledBytes(),
                    moved.uploads(), moved.uploadedBytes(), moved.downloads(), moved.downloadedBytes());
        }
    }
}
