package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Upload host memory: never handed out twice before a wait, reused after it, and kept within its bound. */
class UploadMemoryTest {
    @Test
    void sizeClassesArePowersOfTwoFromAPage() {
        assertEquals(4096, UploadMemory.sizeClass(1));
        assertEquals(4096, UploadMemory.sizeClass(4096));
        assertEquals(8192, UploadMemory.sizeClass(4097));
        assertEquals(1 << 20, UploadMemory.sizeClass((1 << 20) - 3));
        assertEquals(1 << 30, UploadMemory.sizeClass(1 << 30));
    }

    @Test
    void blocksClaimedBetweenTwoWaitsAreAllDistinct() {
        UploadMemory memory = new UploadMemory();
        Set<UploadMemory.Block> blocks = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            UploadMemory.Block block = memory.claim(3136);
            assertTrue(block.host().isDirect());
            assertEquals(ByteOrder.nativeOrder(), block.host().order());
            assertTrue(blocks.add(block), "block " + i + " was already claimed");
        }
        assertEquals(50 * 4096, memory.allocatedBytes());
    }

    @Test
    void afterAWaitTheSameBlocksServeTheNextUploadsAtPositionZero() {
        UploadMemory memory = new UploadMemory();
        UploadMemory.Block first = memory.claim(3136);
        first.host().putFloat(1f).putFloat(2f);
        memory.queueWaited();
        for (int i = 0; i < 1000; i++) {
            UploadMemory.Block again = memory.claim(3000 + i % 100);
            assertSame(first, again, "call " + i);
            assertEquals(0, again.host().position());
            assertEquals(4096, again.host().limit());
            again.host().putFloat(3f);
            memory.queueWaited();
        }
        assertEquals(4096, memory.allocatedBytes());
        assertEquals(4096, memory.keptBytes());
    }

    @Test
    void aFinishedCommandFreesOnlyTheBlocksClaimedBeforeIt() {
        UploadMemory memory = new UploadMemory();
        UploadMemory.Block before = memory.claim(100);
        long mark = memory.mark();
        UploadMemory.Block after = memory.claim(200);
        assertEquals(300, memory.pendingBytes());
        memory.finishedBefore(mark);
        assertEquals(200, memory.pendingBytes());
        assertEquals(4096, memory.claimedBytes());
        assertSame(before, memory.claim(50), "the freed block serves the next upload");
        assertNotSame(after, memory.claim(50));
        memory.finishedBefore(mark);
        assertEquals(300, memory.pendingBytes(), "a mark frees its blocks once");
        memory.queueWaited();
        assertEquals(0, memory.pendingBytes());
        assertEquals(0, memory.claimedBytes());
    }

    @Test
    void eachSizeClassIsServedByItsOwnBlocks() {
        UploadMemory memory = new UploadMemory();
        UploadMemory.Block small = memory.claim(100);
        UploadMemory.Block large = memory.claim(100_000);
        memory.queueWaited();
        assertSame(large, memory.claim(70_000));
        assertSame(small, memory.claim(10));
        assertNotSame(small, memory.claim(10));
    }

    @Test
    void claimedAndKeptBlocksStayWithinTheBound() {
        UploadMemory memory = new UploadMemory();
        int chunks = (int) (UploadMemory.HELD_BYTES / UploadMemory.CHUNK_BYTES);
        for (int i = 0; i < chunks; i++) {
            assertTrue(memory.fits(UploadMemory.CHUNK_BYTES), "chunk " + i);
            memory.claim(UploadMemory.CHUNK_BYTES);
        }
        assertEquals(UploadMemory.HELD_BYTES, memory.claimedBytes());
        assertFalse(memory.fits(1));
        assertThrows(IllegalArgumentException.class, () -> memory.claim(UploadMemory.CHUNK_BYTES + 1));
        memory.queueWaited();
        assertEquals(0, memory.claimedBytes());
        assertEquals(UploadMemory.HELD_BYTES, memory.keptBytes());
        // Kept memory is full: blocks of another size class are allocated, and dropped after the wait.
        memory.claim(100);
        memory.queueWaited();
        assertEquals(UploadMemory.HELD_BYTES, memory.keptBytes());
        assertEquals(UploadMemory.HELD_BYTES + 4096, memory.allocatedBytes());
    }
}
