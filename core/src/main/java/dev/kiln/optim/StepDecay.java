package dev.kiln.optim;

import dev.kiln.KilnException;

/** rate = initial * factor^floor(epoch / stepEpochs): the rate times {@code factor} every {@code stepEpochs}. */
public record StepDecay(double factor, int stepEpochs) implements LearningRateSchedule {

    public StepDecay {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new KilnException("step decay: factor must be a positive finite number, got " + factor);
        }
        if (stepEpochs < 1) {
            throw new KilnException("step decay: step must be at least 1 epoch, got " + stepEpochs);
        }
    }

    @Override
    public double rate(int epoch, double initialRate) {
        return initialRate * Math.pow(factor, Math.floorDiv(epoch, stepEpochs));
    }
}
