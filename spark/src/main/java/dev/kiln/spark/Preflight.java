package dev.kiln.spark;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.io.CheckpointStore;
import dev.kiln.io.TrainingState;
import dev.kiln.model.Model;
import java.util.List;

/**
 * What the driver checks before it starts a distributed fit, so that a mistake fails once with its reason instead
 * of failing every task of every try: the factory's model, built once on the driver's CPU backend, averages its
 * losses over the batch; and a checkpoint to continue from was trained with the same share of a batch per task,
 * shuffling and seed.
 */
final class Preflight {
    private Preflight() {
    }

    static void check(ModelFactory factory, SparkFitOptions options, ShardPlan plan) {
        try (Backend cpu = Backends.select("cpu"); Model model = factory.create(cpu)) {
            List<String> summing = model.trainingSetup().lossesSummingOverBatch();
            if (!summing.isEmpty()) {
                throw new KilnException(summing.get(0) + " sums over the batch; a distributed fit weights each"
                        + " task's gradient by its share of the batch, which needs losses that average over it"
                        + " (Reduction.MEAN)");
            }
        }
        new CheckpointStore(options.checkpoints()).latestComplete().ifPresent(latest -> {
            TrainingState state = TrainingState.read(latest.directory());
            if (state.batchSize() != plan.localBatchSize() || state.shuffle() != options.shuffle()
                    || state.seed() != options.seed()) {
                throw new KilnException("the checkpoint in " + latest.directory() + " was trained with "
                        + state.batchSize() + " samples per task and batch, shuffle " + state.shuffle() + " and seed "
                        + state.seed() + "; this run asks for " + plan.localBatchSize() + " (a batch of "
                        + plan.batchSize() + " over " + plan.partitions() + " tasks), shuffle " + options.shuffle()
                        + " and seed " + options.seed() + ". Continue it with the same, or start in a new directory");
            }
        });
    }
}
