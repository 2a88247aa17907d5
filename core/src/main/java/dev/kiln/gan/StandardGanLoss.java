package dev.kiln.gan;

import dev.kiln.KilnException;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.op.Ops;
import dev.kiln.tensor.Tensor;

/**
 * The original GAN's losses, as binary cross-entropy between the discriminator's scores and the labels "real" (1)
 * and "generated" (0).
 *
 * @param labelSmoothing one-sided label smoothing: the discriminator's target for real samples is
 *     {@code 1 - labelSmoothing} (Salimans et al., 2016; 0.1 is usual), in [0, 0.5)
 * @param nonSaturating whether the generator maximises log D(G(z)) (true, the usual choice: strong gradients while
 *     the discriminator still wins) or minimises log(1 - D(G(z))), the minimax game as written
 * @param fromLogits whether the discriminator outputs logits (no final sigmoid) rather than probabilities
 */
public record StandardGanLoss(double labelSmoothing, boolean nonSaturating, boolean fromLogits) implements GanLoss {
    public StandardGanLoss {
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new KilnException("label smoothing must be in [0, 0.5), got " + labelSmoothing);
        }
    }

    public StandardGanLoss withLabelSmoothing(double value) {
        return new StandardGanLoss(value, nonSaturating, fromLogits);
    }

    public StandardGanLoss withNonSaturating(boolean value) {
        return new StandardGanLoss(labelSmoothing, value, fromLogits);
    }

    public StandardGanLoss withFromLogits(boolean value) {
        return new StandardGanLoss(labelSmoothing, nonSaturating, value);
    }

    @Override
    public String name() {
        return "standard";
    }

    @Override
    public Tensor discriminatorLoss(Tensor realScores, Tensor fakeScores) {
        return Ops.add(crossEntropy(realScores, 1 - labelSmoothing), crossEntropy(fakeScores, 0));
    }

    @Override
    public Tensor generatorLoss(Tensor fakeScores) {
        return nonSaturating ? crossEntropy(fakeScores, 1) : Ops.neg(crossEntropy(fakeScores, 0));
    }

    private Tensor crossEntropy(Tensor scores, double target) {
        Loss loss = Losses.binaryCrossEntropy(fromLogits);
        return loss.compute(scores, Tensor.full(scores.backend(), scores.dtype(), scores.shape(), target));
    }
}
