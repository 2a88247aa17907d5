package dev.kiln.spark;

import dev.kiln.tensor.Tensor;
import dev.kiln.train.Callback;
import dev.kiln.train.HostCopies;
import dev.kiln.train.TrainableModel;
import dev.kiln.train.TrainingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Makes each step of a task's fit a step on the whole global batch: once the task's gradients are computed, they are
 * replaced by the sum of every task's gradients weighted by its share of the batch (the gradient of the batch's mean
 * loss), and the running statistics by their average weighted the same way. Every task then applies the same update
 * to the same weights, as one machine would.
 */
final class GradientAllReduce implements Callback {
    private final BarrierExchange exchange;
    private final ShardPlan plan;

    GradientAllReduce(BarrierExchange exchange, ShardPlan plan) {
        this.exchange = exchange;
        this.plan = plan;
    }

    @Override
    public void onTrainBegin(TrainingContext context) {
        exchange.checkSameWeights(context.model());
        exchange.separateRandomStreams(context.model());
    }

    @Override
    public void onGradients(int epoch, int step, TrainingContext context) {
        TrainableModel model = context.model();
        List<Tensor> parameters = model.trainableParameters();
        List<Tensor> state = model.stateWeights();
        List<Tensor> all = new ArrayList<>(parameters);
        all.addAll(state);
        double[][] values = new double[all.size()][];
        for (int i = 0; i < parameters.size(); i++) {
            Tensor p = parameters.get(i);
            values[i] = p.hasGradient() ? p.grad().toDoubleArray() : null;
        }
        double[][] stateValues = HostCopies.download(state);
        System.arraycopy(stateValues, 0, values, parameters.size(), stateValues.length);
        double[][] sum = exchange.weightedSum(plan.samplesAt(exchange.partition(), step), values, all,
                model.dtype());
        if (!BarrierExchange.allFinite(sum)) {
            // every task sees the same sum, so every task stops at this step and none waits for another
            context.diverge("the gradient summed over the tasks became non-finite at epoch " + epoch + ", step "
                    + step + "; training stopped. Try a lower learning rate (it was "
                    + context.optimizer().learningRate() + ")");
        }
        for (int i = 0; i < parameters.size(); i++) {
            if (sum[i] == null) {
                parameters.get(i).zeroGrad();
            } else {
                HostCopies.setGradient(parameters.get(i), sum[i]);
            }
        }
        HostCopies.upload(Arrays.copyOfRange(sum, parameters.size(), sum.length), state);
    }
}
