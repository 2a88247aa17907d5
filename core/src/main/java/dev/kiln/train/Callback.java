package dev.kiln.train;

/**
 * Hooks into {@code fit}. Epochs and steps are numbered from 1. Any hook may end training through
 * {@link TrainingContext#stop(String)}; training then stops after the current epoch (or step).
 */
public interface Callback {

    default void onTrainBegin(TrainingContext context) {
    }

    default void onEpochBegin(int epoch, TrainingContext context) {
    }

    default void onBatchBegin(int epoch, int step, TrainingContext context) {
    }

    /**
     * Inside a training step, once its gradients are computed and before the optimizer applies and clears them: each
     * trainable parameter's {@code grad()} then holds this step's gradient.
     */
    default void onGradients(int epoch, int step, TrainingContext context) {
    }

    /**
     * After a training step; {@code loss} is the step's loss. Unless a callback says so through
     * {@link #batchEndBeforeNextStep}, {@code fit} queues the next step before it reads a step's loss and calls this,
     * so that the device computes while the host prepares the next step.
     */
    default void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
    }

    /**
     * Whether {@link #onBatchEnd} must run before the next step is queued, as a callback that acts on the model or on
     * training there needs (it would otherwise see the next step's weights); then {@code fit} waits for each step's
     * loss. By default, whether this callback overrides {@code onBatchEnd}; one that only records the loss returns
     * false.
     */
    default boolean batchEndBeforeNextStep() {
        return StepLosses.overridesOnBatchEnd(this);
    }

    default void onEpochEnd(EpochResult result, TrainingContext context) {
    }

    /**
     * After every callback's {@link #onEpochEnd} for the epoch: for callbacks that record what the others did, such
     * as checkpoints, which must hold the state every other callback reached in that epoch.
     */
    default void afterEpochEnd(EpochResult result, TrainingContext context) {
    }

    /** Called once when training ends, normally, early, or by an error. */
    default void onTrainEnd(History history, TrainingContext context) {
    }
}
