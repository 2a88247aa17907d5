package dev.kiln.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

class ShardPlanTest {

    @Test
    void fullBatchesGiveEveryPartitionItsSliceInOrder() {
        ShardPlan plan = new ShardPlan(8, 4, 2);
        int[] partitions = new int[8];
        for (int i = 0; i < 8; i++) {
            partitions[i] = plan.partitionOf(i);
        }
        assertArrayEquals(new int[] {0, 0, 1, 1, 0, 0, 1, 1}, partitions);
        assertEquals(2, plan.steps());
        assertEquals(4, plan.samplesOf(0));
        assertEquals(4, plan.samplesOf(1));
    }

    @Test
    void theLastBatchIsSharedEvenlyEarlierPartitionsFirst() {
        ShardPlan plan = new ShardPlan(203, 32, 2);
        assertEquals(7, plan.steps());
        assertEquals(6 * 16 + 6, plan.samplesOf(0));
        assertEquals(6 * 16 + 5, plan.samplesOf(1));
        assertEquals(0, plan.partitionOf(192));
        assertEquals(0, plan.partitionOf(197));
        assertEquals(1, plan.partitionOf(198));
        assertEquals(1, plan.partitionOf(202));
        assertEquals(6, plan.samplesAt(0, 7));
        assertEquals(5, plan.samplesAt(1, 7));
        assertEquals(16, plan.samplesAt(1, 6));
    }

    @Test
    void partitionsHoldExactlyTheSamplesTheirCountsSay() {
        for (int samples : new int[] {12, 13, 47, 100, 101}) {
            ShardPlan plan = new ShardPlan(samples, 12, 3);
            long[] counted = new long[3];
            for (int i = 0; i < samples; i++) {
                int p = plan.partitionOf(i);
                if (p >= 0) {
                    counted[p]++;
                }
            }
            for (int p = 0; p < 3; p++) {
                assertEquals(plan.samplesOf(p), counted[p], "partition " + p + " of " + samples);
                assertTrue(plan.samplesAt(p, plan.steps()) >= 1, "partition " + p + " of " + samples);
            }
            assertEquals(plan.usedSamples(), counted[0] + counted[1] + counted[2]);
        }
    }

    @Test
    void aLastBatchSmallerThanThePartitionsIsLeftOut() {
        ShardPlan plan = new ShardPlan(26, 12, 3);
        assertEquals(2, plan.leftOut());
        assertEquals(2, plan.steps());
        assertEquals(-1, plan.partitionOf(24));
        assertEquals(8, plan.samplesOf(2));
    }

    @Test
    void batchesThatDoNotSplitEvenlyAndTooFewSamplesAreRefused() {
        assertThrows(KilnException.class, () -> new ShardPlan(100, 10, 3));
        assertThrows(KilnException.class, () -> new ShardPlan(2, 4, 4));
        assertThrows(KilnException.class, () -> new ShardPlan(10, 4, 0));
        assertThrows(KilnException.class, () -> new ShardPlan(10, 4, 2).partitionOf(10));
    }
}
