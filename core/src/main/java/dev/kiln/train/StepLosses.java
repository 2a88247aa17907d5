package dev.kiln.train;

import dev.kiln.backend.PendingDownload;
import java.util.List;

/**
 * When {@code fit} reads its steps' losses, and their sum over an epoch. When a callback needs
 * {@link Callback#onBatchEnd} before the next step ({@link Callback#batchEndBeforeNextStep}), each step's loss is
 * read as the step is queued; otherwise once the next step has been queued, so the device computes that step while
 * the host waits for the value, instead of idling while the host prepares it.
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

    /** The losses of an epoch with {@code callbacks}: one step behind the queue unless a callback needs each one. */
    static StepLosses of(List<Callback> callbacks) {
        return new StepLosses(callbacks.stream().noneMatch(Callback::batchEndBeforeNextStep));
    }

    /** Whether {@code callback} overrides {@link Callback#onBatchEnd}. */
    static boolean overridesOnBatchEnd(Callback callback) {
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
