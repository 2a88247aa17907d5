package dev.kiln.gan;

/**
 * Called by {@link GanTrainer#fit} after every epoch, before its checkpoint: to draw samples from fixed noise, or to
 * set the learning rates of the next epoch (which the checkpoint then holds, so a resumed run keeps the schedule).
 */
@FunctionalInterface
public interface GanEpochListener {
    void onEpochEnd(GanEpoch epoch, GanTrainer trainer);

    /** Called once when {@link GanTrainer#fit} ends, normally or by an error: to close what the listener opened. */
    default void onFitEnd(GanTrainer trainer) {
    }
}
