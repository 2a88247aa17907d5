package dev.kiln.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import org.jocl.Pointer;

/**
 * Direct host memory that non-blocking uploads read from, reused instead of allocated per upload: a block handed out
 * stays claimed until the queue has been waited on, or a command queued after it has finished (the device may read it
 * until then), and then serves later uploads of its size class (a power of two from a page to {@link #CHUNK_BYTES}).
 * Claimed blocks are bounded by {@link #HELD_BYTES}, so a larger upload passes through in chunks with a wait between,
 * and free blocks are kept within the same bound; a steady stream of uploads, such as single-sample predictions, then
 * allocates nothing.
 */
final class UploadMemory {
    /** Bytes of the largest block: one chunk of an upload. */
    static final int CHUNK_BYTES = 4 << 20;
    /** Bytes of blocks claimed at once, and of free blocks kept for reuse. */
    static final long HELD_BYTES = 32L << 20;
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

    private record Claim(Block block, int bytes) {
    }

    /** Free blocks by size class: index i holds blocks of 2^i bytes. */
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Block>[] free = new ArrayDeque[Integer.SIZE];
    /** Claimed blocks in the order of their claims, with the bytes each upload asked for. */
    private final ArrayDeque<Claim> claimed = new ArrayDeque<>();
    /** Blocks claimed so far; the first claims - claimed.size() of them have been freed. */
    private long claims;
    private long claimedBytes;
    private long pendingBytes;
    private long keptBytes;
    private long allocatedBytes;

    /** The block size serving {@code bytes}: the next power of two, at least a page. */
    static int sizeClass(int bytes) {
        return Math.max(SMALLEST_BYTES, Integer.highestOneBit(Math.max(1, bytes - 1)) << 1);
    }

    /** Whether a block for {@code bytes} can be claimed before the next wait without passing {@link #HELD_BYTES}. */
    boolean fits(int bytes) {
        return claimedBytes + sizeClass(bytes) <= HELD_BYTES;
    }

    /**
     * A block of at least {@code bytes} (at most {@link #CHUNK_BYTES}) that no pending upload reads, at position 0;
     * claimed until the next wait.
     */
    Block claim(int bytes) {
        if (bytes > CHUNK_BYTES) {
            throw new IllegalArgumentException("an upload block holds at most " + CHUNK_BYTES + " bytes: " + bytes);
        }
        int size = sizeClass(bytes);
        ArrayDeque<Block> blocks = free[Integer.numberOfTrailingZeros(size)];
        Block block;
        if (blocks != null && !blocks.isEmpty()) {
            block = blocks.pop();
            keptBytes -= size;
        } else {
            block = new Block(size);
            allocatedBytes += size;
        }
        block.host().clear();
        claimed.add(new Claim(block, bytes));
        claims++;
        claimedBytes += size;
        pendingBytes += bytes;
        return block;
    }

    /** A mark after every claim so far, for {@link #finishedBefore}. */
    long mark() {
        return claims;
    }

    /** Frees the blocks claimed before {@code mark}: a command queued after their uploads has finished. */
    void finishedBefore(long mark) {
        while (claims - claimed.size() < mark) {
            Claim claim = claimed.poll();
            claimedBytes -= claim.block().capacity();
            pendingBytes -= claim.bytes();
            keep(claim.block());
        }
    }

    /** Frees every claimed block: the queue has been waited on, so no upload reads them any more. */
    void queueWaited() {
        finishedBefore(claims);
    }

    private void keep(Block block) {
        if (keptBytes + block.capacity() <= HELD_BYTES) {
            int index = Integer.numberOfTrailingZeros(block.capacity());
            if (free[index] == null) {
                free[index] = new ArrayDeque<>();
            }
            free[index].push(block);
            keptBytes += block.capacity();
        }
    }

    /** Bytes of blocks claimed since the last wait. */
    long claimedBytes() {
        return claimedBytes;
    }

    /** Bytes the uploads of the claimed blocks asked for. */
    long pendingBytes() {
        return pendingBytes;
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
