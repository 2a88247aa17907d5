package dev.kiln.spark;

import dev.kiln.tensor.Tensor;
import dev.kiln.train.Callback;
import dev.kiln.train.HostCopies;
import dev.kiln.train.TrainableModel;
import dev.kiln.train.TrainingContext;
import java.util.List;

/**
 * Lets each task train on its own shard with its own optimizer, and every {@code everySteps} steps (and at the end
 * of each epoch) replaces every task's weights by their average, weighted by the samples each task trained on
 * since: far fewer exchanges than gradients every step, for models whose gradients are large to send.
 */
final class ParameterAveraging implements Callback {
    private final BarrierExchange exchange;
    private final ShardPlan plan;
    private final int everySteps;
    private long samplesSince;

    ParameterAveraging(BarrierExchange exchange, ShardPlan plan, int everySteps) {
        this.exchange = exchange;
        this.plan = plan;
        this.everySteps = everySteps;
    }

    @Override
    public void onTrainBegin(TrainingContext context) {
        exchange.checkSameWeights(context.model());
        exchange.separateRandomStreams(context.model());
    }

    @Override
    public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
        samplesSince += plan.samplesAt(exchange.partition(), step);
        if (step % everySteps != 0 && step != plan.steps()) {
            return;
        }
        TrainableModel model = context.model();
        List<Tensor> weights = model.weights();
        double[][] average = exchange.weightedSum(samplesSince, HostCopies.download(weights), weights,
                model.dtype());
        if (!BarrierExchange.allFinite(average)) {
            context.diverge("the averaged weights became non-finite at epoch " + epoch + ", step " + step
                    + "; training stopped. Try a lower learning rate (it was " + context.optimizer().learningRate()
                    + ")");
        }
        HostCopies.upload(average, weights);
        samplesSince = 0;
    }
}
