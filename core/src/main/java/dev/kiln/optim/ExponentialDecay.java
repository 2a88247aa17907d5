package dev.kiln.optim;

import dev.kiln.KilnException;

/** rate = initial * decayRate^(epoch / decayEpochs): a smooth decay by {@code decayRate} every {@code decayEpochs}. */
public record ExponentialDecay(double decayRate, double decayEpochs) implements LearningRateSchedule {

    public ExponentialDecay {
        if (!(decayRate > 0) || Double.isInfinite(decayRate)) {
            throw new KilnException("exponential decay: rate must be a positive finite number, got " + decayRate);
        }
        if (!(decayEpochs > 0) || Double.isInfinite(decayEpochs)) {
            throw new KilnException("exponential decay: decay epochs must be a positive finite number, got "
                    + decayEpochs);
        }
    }

    /** Decays by {@code decayRate} every epoch: rate = initial * decayRate^epoch. */
    public ExponentialDecay(double decayRate) {
        this(decayRate, 1);
    }

    @Override
    public double rate(int epoch, double initialRate) {
        return initialRate * Math.pow(decayRate, epoch / decayEpochs);
    }
}
