package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
    void freeBlocksAreKeptOnlyUpToTheBound() {
        UploadMemory memory = new UploadMemory();
        int size = 4 << 20;
        List<UploadMemory.Block> claimed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            claimed.add(memory.claim(size));
        }
        memory.queueWaited();
        assertEquals(UploadMemory.KEPT_BYTES, memory.keptBytes());
        UploadMemory.Block beyond = memory.claim((int) UploadMemory.KEPT_BYTES + 1);
        assertEquals(UploadMemory.KEPT_BYTES + 1, beyond.capacity());
        memory.queueWaited();
        assertEquals(UploadMemory.KEPT_BYTES, memory.keptBytes());
    }
}
