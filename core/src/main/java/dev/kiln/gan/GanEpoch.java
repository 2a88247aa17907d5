package dev.kiln.gan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch of GAN training measured, each a mean over the epoch's steps weighted by their batch sizes.
 *
 * @param epoch 1-based epoch number
 * @param discriminatorLoss the discriminator's (critic's) loss
 * @param generatorLoss the generator's loss, over the steps that trained it
 * @param realScore the discriminator's mean output on real samples
 * @param fakeScore its mean output on generated samples
 * @param seconds wall-clock seconds of the epoch
 */
public record GanEpoch(int epoch, double discriminatorLoss, double generatorLoss, double realScore, double fakeScore,
                       double seconds) {
    /** The epoch's measures by history key ("discriminator_loss", "generator_loss", "real_score", "fake_score"). */
    public Map<String, Double> values() {
        Map<String, Double> all = new LinkedHashMap<>();
        all.put("discriminator_loss", discriminatorLoss);
        all.put("generator_loss", generatorLoss);
        all.put("real_score", realScore);
        all.put("fake_score", fakeScore);
        return all;
    }
}
