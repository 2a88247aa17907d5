package dev.kiln.train;

/**
 * A callback with progress of its own (early stopping's best value and patience) that checkpoints keep, so that a
 * resumed {@code fit} carries it on exactly where the interrupted one stood.
 */
public interface StatefulCallback extends Callback {

    /** The name of its state in a checkpoint ("early_stopping"). */
    String stateName();

    /** Its state after the last epoch that ended; the tensors stay the callback's. */
    CallbackState state();

    /**
     * Continues from {@code state} when the next {@code fit} begins, instead of starting afresh; the callback owns
     * the state's tensors from now on. Fails when the state is not one this callback can continue.
     */
    void resumeFrom(CallbackState state);
}
