package dev.kiln.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jocl.Pointer;

/**
 * Direct host memory that non-blocking uploads read from, reused instead of allocated per upload: a block handed out
 * stays claimed until the queue has been waited on (the device may read it until then), and then serves later
 * uploads of its size class (a power of two, at least a page). Freed blocks are kept up to {@link #KEPT_BYTES} in
 * all, and none larger; a steady stream of uploads of one size, such as single-sample predictions, then allocates
 * nothing.
 */
final class UploadMemory {
    /** Bytes of free blocks kept for reuse; a larger upload gets a block of its own size, dropped after the wait. */
    static final long KEPT_BYTES = 32L << 20;
    private static final int SMALLEST_BYTES = 4096;

    /** A direct block in native order and the pointer a transfer passes for it; equal only to itself. */
    static final class Block {
        private final ByteBuffer host;
        private final Pointer pointer;

        private Block(int bytes) {
            this.host = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
            this.pointer = Pointer.to(host);
        }

        ByteBuffer host() {
            return host;
        }

        Pointer pointer() {
            return pointer;
        }

        int capacity() {
            return host.capacity();
        }
    }

    /** Free blocks by size class: index i holds blocks of 2^i bytes. */
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Block>[] free = new ArrayDeque[Integer.SIZE];
    private final List<Block> claimed = new ArrayList<>();
    private long keptBytes;
    private long allocatedBytes;

    /** The block size serving {@code bytes}: the next power of two, at least a page. */
    static int sizeClass(int bytes) {
        return Math.max(SMALLEST_BYTES, Integer.highestOneBit(Math.max(1, bytes - 1)) << 1);
    }

    /** A block of at least {@code bytes} that no pending upload reads, at position 0; claimed until the next wait. */
    Block claim(int bytes) {
        int size = bytes > KEPT_BYTES ? bytes : sizeClass(bytes);
        ArrayDeque<Block> blocks = bytes > KEPT_BYTES ? null : free[Integer.numberOfTrailingZeros(size)];
        Block block;
        if (blocks != null && !blocks.isEmpty()) {
            block = blocks.pop();
            keptBytes -= size;
        } else {
            block = new Block(size);
            allocatedBytes += size;
        }
        block.host().clear();
        claimed.add(block);
        return block;
    }

    /** Frees every claimed block: the queue has been waited on, so no upload reads them any more. */
    void queueWaited() {
        for (Block block : claimed) {
            if (keptBytes + block.capacity() <= KEPT_BYTES) {
                int index = Integer.numberOfTrailingZeros(block.capacity());
                if (free[index] == null) {
                    free[index] = new ArrayDeque<>();
                }
                free[index].push(block);
                keptBytes += block.capacity();
            }
        }
        claimed.clear();
    }

    /** Bytes of free blocks kept for reuse. */
    long keptBytes() {
        return keptBytes;
    }

    /** Bytes of direct memory allocated so far, reused blocks counted once. */
    long allocatedBytes() {
        return allocatedBytes;
    }
}
