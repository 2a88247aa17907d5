package dev.kiln.samples.gan;

import dev.kiln.gan.GanEpoch;
import dev.kiln.gan.GanEpochListener;
import dev.kiln.gan.GanTrainer;
import dev.kiln.optim.Optimizer;
import java.util.List;

/**
 * Anneals the learning rates of a GAN's optimizers along half a cosine, from the initial rate at the first epoch to
 * nearly zero at the last: the two players' oscillation around the equilibrium shrinks as the steps do. Set after
 * every epoch for the next one, so a resumed run (whose checkpoint restores the rate) continues the same schedule.
 */
final class CosineAnnealing implements GanEpochListener {
    private final List<Optimizer> optimizers;
    private final double initial;
    private final int epochs;

    CosineAnnealing(double initial, int epochs, Optimizer... optimizers) {
        this.optimizers = List.of(optimizers);
        this.initial = initial;
        this.epochs = epochs;
    }

    /** The rate of 1-based {@code epoch}. */
    double rate(int epoch) {
        return initial * 0.5 * (1 + Math.cos(Math.PI * (epoch - 1) / epochs));
    }

    @Override
    public void onEpochEnd(GanEpoch epoch, GanTrainer trainer) {
        double next = rate(epoch.epoch() + 1);
        optimizers.forEach(o -> o.setLearningRate(next));
    }
}
