package dev.kiln.spark;

import org.apache.spark.Partitioner;

/** Sends each sample, keyed by its index in the data, to the partition its {@link ShardPlan} gives it. */
final class ShardPartitioner extends Partitioner {
    private final ShardPlan plan;

    ShardPartitioner(ShardPlan plan) {
        this.plan = plan;
    }

    @Override
    public int numPartitions() {
        return plan.partitions();
    }

    @Override
    public int getPartition(Object key) {
        return plan.partitionOf((Long) key);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ShardPartitioner s && s.plan.equals(plan);
    }

    @Override
    public int hashCode() {
        return plan.hashCode();
    }
}
