package dev.kiln.spark;

import dev.kiln.KilnException;

/**
 * Where each sample of a distributed fit lives. Step {@code s} of an epoch takes samples {@code [s*B, s*B + B)} of
 * the data, in its order, as one global batch of {@code B}; partition {@code p} holds the {@code p}-th slice of
 * every global batch, so that the global batch of a step is its partitions' local batches one after another, as
 * a fit on one machine with the same batch size and no shuffling would form it. Full batches give every partition
 * {@code B/P} samples; the last, shorter one is shared as evenly as possible, earlier partitions first. Every
 * partition then runs the same number of steps, which the barrier's exchanges need; when the last batch holds fewer
 * samples than there are partitions, those samples are left out of every epoch.
 *
 * @param samples the samples of the data set
 * @param batchSize the global batch size
 * @param partitions the number of partitions, one training task each
 */
public record ShardPlan(long samples, int batchSize, int partitions) {

    public ShardPlan {
        if (partitions < 1) {
            throw new KilnException("a distributed fit needs at least one partition, got " + partitions);
        }
        if (batchSize < partitions || batchSize % partitions != 0) {
            throw new KilnException("the global batch size " + batchSize + " must be a multiple of the "
                    + partitions + " partitions, so that every partition computes the same share of a batch");
        }
        if (samples < partitions) {
            throw new KilnException("the data has " + samples + " samples, fewer than the " + partitions
                    + " partitions that train on it");
        }
    }

    /** Samples each partition computes of a full global batch. */
    public int localBatchSize() {
        return batchSize / partitions;
    }

    /** Samples the epochs train on: all, or all but a last batch too short to give every partition one. */
    public long usedSamples() {
        long remainder = samples % batchSize;
        return remainder > 0 && remainder < partitions ? samples - remainder : samples;
    }

    /** Samples left out of every epoch (see the class comment). */
    public long leftOut() {
        return samples - usedSamples();
    }

    /** Steps of one epoch, the same on every partition. */
    public long steps() {
        return (usedSamples() + batchSize - 1) / batchSize;
    }

    /** The partition that holds sample {@code index} of the data; -1 for a sample left out. */
    public int partitionOf(long index) {
        if (index < 0 || index >= samples) {
            throw new KilnException("sample " + index + " is outside the data's " + samples + " samples");
        }
        if (index >= usedSamples()) {
            return -1;
        }
        long step = index / batchSize;
        int within = (int) (index % batchSize);
        int last = lastBatchSize();
        if (step < steps() - 1 || last == batchSize) {
            return within / localBatchSize();
        }
        int share = last / partitions;
        int larger = last % partitions;
        int inLarger = larger * (share + 1);
        return within < inLarger ? within / (share + 1) : larger + (within - inLarger) / share;
    }

    /** Samples partition {@code partition} holds: its share of every batch. */
    public long samplesOf(int partition) {
        int last = lastBatchSize();
        int lastShare = last / partitions + (partition < last % partitions ? 1 : 0);
        return (steps() - 1) * localBatchSize() + lastShare;
    }

    /** Samples partition {@code partition} computes at step {@code step} (from 1) of an epoch. */
    public long samplesAt(int partition, long step) {
        return Math.min(localBatchSize(), samplesOf(partition) - (step - 1) * localBatchSize());
    }

    private int lastBatchSize() {
        return (int) (usedSamples() - (steps() - 1) * batchSize);
    }
}
