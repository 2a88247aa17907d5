package dev.kiln.optim;

/** The learning rate of each epoch, as a function of the epoch and the optimizer's initial rate. */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate for {@code epoch} (0-based) when training started at {@code initialRate}. */
    double rate(int epoch, double initialRate);
}
