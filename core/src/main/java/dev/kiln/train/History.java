package dev.kiln.train;

import java.util.List;

/**
 * The record of one {@code fit}: a result per completed epoch and, when training ended before the last
 * epoch, why.
 *
 * @param epochs the completed epochs in order
 * @param stopReason why training stopped early (early stopping, a callback, a non-finite loss), or null
 * @param diverged whether it stopped because a loss (of a training step, or an epoch's validation loss) became NaN
 *     or infinite; the epoch in which that happened is not among the completed ones
 */
public record History(List<EpochResult> epochs, String stopReason, boolean diverged) {
    public History {
        epochs = List.copyOf(epochs);
    }

    /** A history of training that did not diverge. */
    public History(List<EpochResult> epochs, String stopReason) {
        this(epochs, stopReason, false);
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

    /** The quantity {@code key} ("loss", "val_accuracy", ...) of every epoch, in order. */
    public double[] series(String key) {
        return epochs.stream().mapToDouble(e -> e.value(key)).toArray();
    }
}
