package dev.kiln.train;

import dev.kiln.KilnException;
import dev.kiln.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stops training when a monitored quantity has not improved by more than {@code minDelta} for
 * {@code patience} epochs; optionally restores the weights of the best epoch (kept as device-side copies).
 */
public final class EarlyStopping implements Callback {
    /** Whether the monitored quantity should fall or rise; AUTO picks MAX for accuracies, else MIN. */
    public enum Mode { MIN, MAX, AUTO }

    private final String monitor;
    private final double minDelta;
    private final int patience;
    private final boolean maximize;
    private final boolean restoreBestWeights;
    private final List<Tensor> bestWeights = new ArrayList<>();
    private double best;
    private int bestEpoch;
    private int epochsWithoutImprovement;

    /**
     * @param monitor history key to watch ("val_loss", "accuracy", ...)
     * @param minDelta smallest change that counts as an improvement
     * @param patience epochs without improvement before stopping
     * @param mode direction of improvement
     * @param restoreBestWeights whether the best epoch's weights are restored when training ends
     */
    public EarlyStopping(String monitor, double minDelta, int patience, Mode mode, boolean restoreBestWeights) {
        if (patience < 0 || minDelta < 0) {
            throw new KilnException("early stopping needs patience >= 0 and minDelta >= 0, got " + patience
                    + " and " + minDelta);
        }
        this.monitor = monitor;
        this.minDelta = minDelta;
        this.patience = patience;
        this.maximize = mode == Mode.MAX || (mode == Mode.AUTO && monitor.toLowerCase(Locale.ROOT).contains("acc"));
        this.restoreBestWeights = restoreBestWeights;
    }

    /** Watches "val_loss" with the given patience, restoring the best weights. */
    public static EarlyStopping onValidationLoss(int patience) {
        return new EarlyStopping("val_loss", 0, patience, Mode.MIN, true);
    }

    /** The epoch with the best monitored value so far (0 before the first epoch). */
    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public void onTrainBegin(TrainingContext context) {
        best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        bestEpoch = 0;
        epochsWithoutImprovement = 0;
    }

    @Override
    public void onEpochEnd(EpochResult result, TrainingContext context) {
        double value = result.value(monitor);
        boolean improved = maximize ? value > best + minDelta : value < best - minDelta;
        if (improved) {
            best = value;
            bestEpoch = result.epoch();
            epochsWithoutImprovement = 0;
            if (restoreBestWeights) {
                saveWeights(context.model().weights());
            }
        } else if (++epochsWithoutImprovement >= patience) {
            context.stop(String.format(Locale.ROOT, "early stopping: %s did not improve for %d epoch(s);"
                    + " best %.6g at epoch %d", monitor, epochsWithoutImprovement, best, bestEpoch));
        }
    }

    @Override
    public void onTrainEnd(History history, TrainingContext context) {
        if (restoreBestWeights && !bestWeights.isEmpty() && bestEpoch != lastEpoch(history)) {
            List<Tensor> parameters = context.model().weights();
            for (int i = 0; i < parameters.size(); i++) {
                copy(bestWeights.get(i), parameters.get(i));
            }
        }
        bestWeights.forEach(Tensor::close);
        bestWeights.clear();
    }

    private static int lastEpoch(History history) {
        return history.epochs().isEmpty() ? 0 : history.last().epoch();
    }

    private void saveWeights(List<Tensor> parameters) {
        if (bestWeights.isEmpty()) {
            for (Tensor p : parameters) {
                bestWeights.add(Tensor.empty(p.backend(), p.dtype(), p.shape()).keep());
            }
        }
        for (int i = 0; i < parameters.size(); i++) {
            copy(parameters.get(i), bestWeights.get(i));
        }
    }

    private static void copy(Tensor from, Tensor to) {
        from.backend().copy(from.buffer(), 0, to.buffer(), 0, from.size());
    }
}
