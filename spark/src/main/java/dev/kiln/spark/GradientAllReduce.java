package dev.kiln.spark;

import dev.kiln.tensor.MemoryScope;
import dev.kiln.tensor.Tensor;
import dev.kiln.train.Callback;
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
        double[][] stateValues = ModelTensors.values(state);
        System.arraycopy(stateValues, 0, values, parameters.size(), stateValues.length);
        double[][] sum = exchange.weightedSum(plan.samplesAt(exchange.partition(), step), values,
                ModelTensors.sizes(all), model.dtype());
        for (int i = 0; i < parameters.size(); i++) {
            setGradient(parameters.get(i), sum[i]);
        }
        BarrierExchange.assign(state, Arrays.copyOfRange(sum, parameters.size(), sum.length));
    }

    private static void setGradient(Tensor parameter, double[] values) {
        try (MemoryScope scope = MemoryScope.open()) {
            parameter.zeroGrad();
            if (values != null) {
                parameter.accumulateGrad(Tensor.of(parameter.backend(), parameter.dtype(), parameter.shape(),
                        values));
            }
        }
    }
}
