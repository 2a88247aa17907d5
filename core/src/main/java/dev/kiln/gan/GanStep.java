package dev.kiln.gan;

/**
 * What one {@link GanTrainer#step} measured.
 *
 * @param discriminatorLoss the discriminator's loss before its update
 * @param generatorLoss the generator's loss before its update, NaN when the step did not train the generator
 * @param realScore the discriminator's mean output on the real batch
 * @param fakeScore its mean output on the generated batch it was trained on
 */
public record GanStep(double discriminatorLoss, double generatorLoss, double realScore, double fakeScore) {
    /** Whether this step also trained the generator. */
    public boolean trainedGenerator() {
        return !Double.isNaN(generatorLoss);
    }
}
