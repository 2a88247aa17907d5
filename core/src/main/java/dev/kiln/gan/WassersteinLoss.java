package dev.kiln.gan;

import dev.kiln.KilnException;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/**
 * The Wasserstein GAN's losses (Arjovsky et al., 2017): the critic maximises mean(D(real)) - mean(D(fake)), an
 * estimate of the Wasserstein-1 distance while its weights stay clipped (so that it stays Lipschitz), and the
 * generator maximises mean(D(fake)). The critic has no final sigmoid; the paper trains both with RMSprop at 5e-5.
 *
 * @param criticSteps critic steps per generator step (5 in the paper)
 * @param weightClip the bound the critic's weights are clipped to after each of its steps (0.01 in the paper)
 */
public record WassersteinLoss(int criticSteps, double weightClip) implements GanLoss {
    public WassersteinLoss {
        if (criticSteps < 1) {
            throw new KilnException("critic steps must be at least 1, got " + criticSteps);
        }
        if (!(weightClip > 0) || Double.isInfinite(weightClip)) {
            throw new KilnException("the Wasserstein critic's weight clip must be a positive finite number, got "
                    + weightClip);
        }
    }

    public WassersteinLoss withCriticSteps(int value) {
        return new WassersteinLoss(value, weightClip);
    }

    public WassersteinLoss withWeightClip(double value) {
        return new WassersteinLoss(criticSteps, value);
    }

    @Override
    public String name() {
        return "wasserstein";
    }

    @Override
    public Tensor discriminatorLoss(Tensor realScores, Tensor fakeScores) {
        return Ops.sub(Ops.mean(fakeScores), Ops.mean(realScores));
    }

    @Override
    public Tensor generatorLoss(Tensor fakeScores) {
        return Ops.neg(Ops.mean(fakeScores));
    }
}
