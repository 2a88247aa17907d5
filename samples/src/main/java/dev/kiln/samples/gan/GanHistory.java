package dev.kiln.samples.gan;

import dev.kiln.gan.GanEpoch;
import dev.kiln.train.EpochResult;
import dev.kiln.train.History;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/** A GAN sample's epochs as the run's history and summary fields. */
final class GanHistory {
    private GanHistory() {
    }

    /** Each player's loss of every epoch, for summary.json: {@code discriminator_losses}, {@code generator_losses}. */
    static Map<String, Object> lossesPerEpoch(List<GanEpoch> epochs) {
        Map<String, Object> losses = new LinkedHashMap<>();
        losses.put("discriminator_losses", epochs.stream().map(GanEpoch::discriminatorLoss).toList());
        losses.put("generator_losses", epochs.stream().map(GanEpoch::generatorLoss).toList());
        return losses;
    }

    /**
     * The epochs as a history without one loss: each player's loss and the discriminator's mean scores, with the
     * learning rate {@code rate} gives each 1-based epoch. A resumed run's history holds the epochs it trained.
     */
    static History of(List<GanEpoch> epochs, int samples, IntToDoubleFunction rate) {
        List<EpochResult> results = new ArrayList<>();
        for (GanEpoch e : epochs) {
            results.add(EpochResult.ofMeasures(e.epoch(), e.values(), e.seconds(), samples / e.seconds(),
                    rate.applyAsDouble(e.epoch())));
        }
        return new History(results, null, epochs.isEmpty() ? 0 : epochs.get(0).epoch() - 1);
    }
}
