package dev.kiln.gan;

import dev.kiln.tensor.Tensor;

/**
 * What a GAN's two players minimise, from the discriminator's scores of a real and a generated batch ({@code [n, 1]}
 * each): {@link #standard()} for a discriminator that outputs the probability of "real" (Goodfellow et al., 2014),
 * {@link #wasserstein()} for a critic that outputs an unbounded score (Arjovsky et al., 2017).
 */
public interface GanLoss {

    /** Short name for logs and checkpoints ("standard", "wasserstein"). */
    String name();

    /** The discriminator's loss on real and generated scores, a scalar. */
    Tensor discriminatorLoss(Tensor realScores, Tensor fakeScores);

    /** The generator's loss on the discriminator's scores of its batch, a scalar. */
    Tensor generatorLoss(Tensor fakeScores);

    /** Discriminator steps per generator step that {@link GanTrainer} takes unless told otherwise. */
    default int criticSteps() {
        return 1;
    }

    /** The bound the discriminator's weights are clipped to after each of its steps; 0 for none. */
    default double weightClip() {
        return 0;
    }

    /** Binary cross-entropy on probabilities, the non-saturating generator loss, no label smoothing. */
    static StandardGanLoss standard() {
        return new StandardGanLoss(0, true, false);
    }

    /** The original WGAN: critic loss mean(D(fake)) - mean(D(real)), 5 critic steps, weights clipped to 0.01. */
    static WassersteinLoss wasserstein() {
        return new WassersteinLoss(5, 0.01);
    }
}
