package dev.kiln.train;

import dev.kiln.backend.PendingDownload;
import java.util.List;

/**
 * When {@code fit} reads its steps' losses, and their sum over an epoch. A callback that overrides
 * {@link Callback#onBatchEnd} gets each step's loss before the next step starts; without one, a step's loss is read
 * once the next step has been queued, so the device computes that step while the host waits for the value, instead
 * of idling while the host prepares it.
 */
final class StepLosses {
    /** A step's loss once read, with the step's number. */
    record Read(int step, double loss) {
    }

    private record Queued(int step, int samples, PendingDownload loss) {
    }

    private final boolean oneStepBehind;
    private Queued waiting;
    private double sum;

    private StepLosses(boolean oneStepBehind) {
        this.oneStepBehind = oneStepBehind;
    }

    /** The losses of an epoch with {@code callbacks}: one step behind the queue unless a callback reads each one. */
    static StepLosses of(List<Callback> callbacks) {
        return new StepLosses(callbacks.stream().noneMatch(StepLosses::readsEachStep));
    }

    /** Whether {@code callback} overrides {@link Callback#onBatchEnd}, so that it needs each loss as its step ends. */
    static boolean readsEachStep(Callback callback) {
        try {
            return callback.getClass().getMethod("onBatchEnd", int.class, int.class, double.class,
                    TrainingContext.class).getDeclaringClass() != Callback.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError("Callback declares onBatchEnd", e);
        }
    }

    /**
     * Takes the pending loss of step {@code step}, of {@code samples} samples; returns the loss read now: this
     * step's, the previous step's when one step behind, or null for the first step then.
     */
    Read queued(int step, int samples, PendingDownload loss) {
        Queued now = new Queued(step, samples, loss);
        if (!oneStepBehind) {
            return read(now);
        }
        Queued before = waiting;
        waiting = now;
        return before == null ? null : read(before);
    }

    /** Reads the loss still waiting at the end of the epoch, or returns null when none is. */
    Read last() {
        Queued before = waiting;
        waiting = null;
        return before == null ? null : read(before);
    }

    /** The sum over the steps read of loss times samples. */
    double sum() {
        return sum;
    }

    private Read read(Queued queued) {
        double loss = queued.loss().await()[0];
        sum += loss * queued.samples();
        return new Read(queued.step(), loss);
    }
}
