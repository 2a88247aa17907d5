package dev.kiln.train;

import java.util.List;

/**
 * The record of one {@code fit}: a result per completed epoch and, when training ended before the last
 * epoch, why. A resumed fit's record starts with the epochs its checkpoint had done, when the checkpoint kept them.
 *
 * @param epochs the completed epochs in order
 * @param stopReason why training stopped early (early stopping, a callback, a non-finite loss), or null
 * @param diverged whether it stopped because a loss (of a training step, or an epoch's validation loss) became NaN
 *     or infinite; the epoch in which that happened is not among the completed ones
 * @param initialEpoch epochs done before this fit began (when resuming), 0 otherwise
 */
public record History(List<EpochResult> epochs, String stopReason, boolean diverged, int initialEpoch) {
    public History {
        epochs = List.copyOf(epochs);
    }

    /** The record of a fit that began at epoch 1 and did not diverge. */
    public History(List<EpochResult> epochs, String stopReason) {
        this(epochs, stopReason, false, 0);
    }

    /** The record of a fit that did not diverge, resumed after {@code initialEpoch} epochs. */
    public History(List<EpochResult> epochs, String stopReason, int initialEpoch) {
        this(epochs, stopReason, false, initialEpoch);
    }

    /** Whether training ended before its last epoch. */
    public boolean stoppedEarly() {
        return stopReason != null;
    }

    /** The last completed epoch; fails when none completed. */
    public EpochResult last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch completed" + (stopReason == null ? "" : ": " + stopReason));
        }
        return epochs.get(epochs.size() - 1);
    }

    /** The epochs this fit trained, those before a resume not counted. */
    public int epochsRun() {
        return (int) epochs.stream().filter(e -> e.epoch() > initialEpoch).count();
    }

    /** The epochs trained in all, those before a resume counted. */
    public int epochsDone() {
        return initialEpoch + epochsRun();
    }

    /** The quantity {@code key} ("loss", "val_accuracy", ...) of every epoch, in order. */
    public double[] series(String key) {
        return epochs.stream().mapToDouble(e -> e.value(key)).toArray();
    }
}
