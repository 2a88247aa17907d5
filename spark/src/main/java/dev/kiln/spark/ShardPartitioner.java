package dev.kiln.spark;

import java.util.Objects;
import org.apache.spark.Partitioner;

/**
 * Sends each sample, keyed by its index in the data, to the partition its {@link ShardPlan} gives it. Spark ships
 * partitioners with Java serialization, so this one keeps the plan as its three numbers.
 */
final class ShardPartitioner extends Partitioner {
    private final long samples;
    private final int batchSize;
    private final int partitions;

    ShardPartitioner(ShardPlan plan) {
        this.samples = plan.samples();
        this.batchSize = plan.batchSize();
        this.partitions = plan.partitions();
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        return new ShardPlan(samples, batchSize, partitions).partitionOf((Long) key);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ShardPartitioner s && s.samples == samples && s.batchSize == batchSize
                && s.partitions == partitions;
    }

    @Override
    public int hashCode() {
        return Objects.hash(samples, batchSize, partitions);
    }
}
