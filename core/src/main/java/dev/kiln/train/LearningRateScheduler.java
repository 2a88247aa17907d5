package dev.kiln.train;

import dev.kiln.KilnException;
import dev.kiln.optim.LearningRateSchedule;
import java.util.Map;

/**
 * Sets the optimizer's learning rate at the start of each epoch (numbered from 0 for the schedule) from a
 * {@link LearningRateSchedule}, and restores the initial rate when training ends. Checkpoints keep the initial rate,
 * so a resumed run follows the schedule from the rate the first run started with, not from the decayed one.
 */
public final class LearningRateScheduler implements StatefulCallback {
    private static final String INITIAL_RATE = "initial_rate";

    private final LearningRateSchedule schedule;
    private double initialRate = Double.NaN;
    private Double resumedRate;

    /** A callback applying {@code schedule}. */
    public LearningRateScheduler(LearningRateSchedule schedule) {
        this.schedule = schedule;
    }

    /**
     * Starts the schedule of the next {@code fit} from {@code rate} instead of the optimizer's rate or a checkpoint's
     * (a rate changed on purpose when resuming).
     */
    public void startFrom(double rate) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new KilnException("a schedule's initial rate must be a positive finite number, got " + rate);
        }
        resumedRate = rate;
    }

    @Override
    public void onTrainBegin(TrainingContext context) {
        initialRate = resumedRate != null ? resumedRate : context.optimizer().learningRate();
        resumedRate = null;
    }

    @Override
    public void onEpochBegin(int epoch, TrainingContext context) {
        context.optimizer().setLearningRate(schedule.rate(epoch - 1, initialRate));
    }

    @Override
    public void onTrainEnd(History history, TrainingContext context) {
        context.optimizer().setLearningRate(initialRate);
    }

    @Override
    public String stateName() {
        return "learning_rate_scheduler";
    }

    @Override
    public CallbackState state() {
        return new CallbackState(Map.of(INITIAL_RATE, initialRate), Map.of(), Map.of());
    }

    @Override
    public void resumeFrom(CallbackState state) {
        Double rate = state.values().get(INITIAL_RATE);
        if (rate == null || !(rate > 0) || rate.isInfinite()) {
            throw new KilnException("cannot resume the learning-rate schedule: the checkpoint's initial rate is "
                    + rate + ", expected a positive number");
        }
        resumedRate = rate;
    }
}
