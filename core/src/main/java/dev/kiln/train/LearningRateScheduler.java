package dev.kiln.train;

import dev.kiln.optim.LearningRateSchedule;

/**
 * Sets the optimizer's learning rate at the start of each epoch (numbered from 0 for the schedule) from a
 * {@link LearningRateSchedule}, and restores the initial rate when training ends.
 */
public final class LearningRateScheduler implements Callback {
    private final LearningRateSchedule schedule;
    private double initialRate;

    /** A callback applying {@code schedule}. */
    public LearningRateScheduler(LearningRateSchedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public void onTrainBegin(TrainingContext context) {
        initialRate = context.optimizer().learningRate();
    }

    @Override
    public void onEpochBegin(int epoch, TrainingContext context) {
        context.optimizer().setLearningRate(schedule.rate(epoch - 1, initialRate));
    }

    @Override
    public void onTrainEnd(History history, TrainingContext context) {
        context.optimizer().setLearningRate(initialRate);
    }
}
