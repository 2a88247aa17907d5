package dev.kiln.optim;

import dev.kiln.KilnException;

/**
 * rate = min + (initial - min) * (1 + cos(pi * e / decayEpochs)) / 2 with e = min(epoch, decayEpochs): half a
 * cosine from the initial rate down to {@code minimumRate}, which it keeps after {@code decayEpochs}.
 */
public record CosineDecay(int decayEpochs, double minimumRate) implements LearningRateSchedule {

    public CosineDecay {
        if (decayEpochs < 1) {
            throw new KilnException("cosine decay: decay epochs must be at least 1, got " + decayEpochs);
        }
        if (!(minimumRate >= 0) || Double.isInfinite(minimumRate)) {
            throw new KilnException("cosine decay: minimum rate must be a finite number >= 0, got " + minimumRate);
        }
    }

    /** Cosine decay down to 0. */
    public CosineDecay(int decayEpochs) {
        this(decayEpochs, 0);
    }

    @Override
    public double rate(int epoch, double initialRate) {
        double progress = Math.min(Math.max(epoch, 0), decayEpochs) / (double) decayEpochs;
        return minimumRate + (initialRate - minimumRate) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
