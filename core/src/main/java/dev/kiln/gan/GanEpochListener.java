package dev.kiln.gan;

/** Called by {@link GanTrainer#fit} after every epoch (to draw samples from fixed noise, log, stop nothing). */
@FunctionalInterface
public interface GanEpochListener {
    void onEpochEnd(GanEpoch epoch, GanTrainer trainer);
}
