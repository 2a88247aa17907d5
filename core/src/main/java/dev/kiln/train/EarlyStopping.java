package dev.kiln.train;

import dev.kiln.KilnException;
import dev.kiln.op.InPlaceOps;
import dev.kiln.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Stops training when a monitored quantity has not improved by more than {@code minDelta} for
 * {@code patience} epochs; optionally restores the weights of the best epoch (kept as device-side copies). Its
 * progress (best value and epoch, epochs without improvement, the best weights) goes into checkpoints, so a resumed
 * run stops at the same epoch as an uninterrupted one.
 */
public final class EarlyStopping implements StatefulCallback {
    /** Whether the monitored quantity should fall or rise; AUTO picks MAX for accuracies, else MIN. */
    public enum Mode { MIN, MAX, AUTO }

    private final String monitor;
    private final double minDelta;
    private final int patience;
    private final boolean maximize;
    private final boolean restoreBestWeights;
    private final Map<String, Tensor> bestWeights = new LinkedHashMap<>();
    private double best;
    private int bestEpoch;
    private int epochsWithoutImprovement;
    private CallbackState resumed;

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
        closeBestWeights();
        best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        bestEpoch = 0;
        epochsWithoutImprovement = 0;
        if (resumed != null) {
            CallbackState state = resumed;
            resumed = null;
            if (!state.tensors().isEmpty()
                    && !state.tensors().keySet().equals(context.model().namedWeights().keySet())) {
                state.tensors().values().forEach(Tensor::close);
                throw new KilnException("cannot resume early stopping: the checkpoint keeps best weights "
                        + state.tensors().keySet() + ", the model has " + context.model().namedWeights().keySet());
            }
            resumed = state;
            best = resumed.values().getOrDefault("best", best);
            bestEpoch = resumed.values().getOrDefault("best_epoch", 0.0).intValue();
            epochsWithoutImprovement = resumed.values().getOrDefault("epochs_without_improvement", 0.0).intValue();
            bestWeights.putAll(resumed.tensors());
            resumed = null;
        }
    }

    @Override
    public String stateName() {
        return "early_stopping";
    }

    @Override
    public CallbackState state() {
        Map<String, Double> values = new LinkedHashMap<>();
        if (Double.isFinite(best)) {
            values.put("best", best);
        }
        values.put("best_epoch", (double) bestEpoch);
        values.put("epochs_without_improvement", (double) epochsWithoutImprovement);
        return new CallbackState(values, Map.of("monitor", monitor, "mode", maximize ? "max" : "min"), bestWeights);
    }

    @Override
    public void resumeFrom(CallbackState state) {
        String mode = maximize ? "max" : "min";
        if (!monitor.equals(state.labels().get("monitor")) || !mode.equals(state.labels().get("mode"))) {
            state.tensors().values().forEach(Tensor::close);
            throw new KilnException("cannot resume early stopping: the checkpoint's early stopping watched '"
                    + state.labels().get("monitor") + "' (" + state.labels().get("mode") + "), this one watches '"
                    + monitor + "' (" + mode + ")");
        }
        if (resumed != null) {
            resumed.tensors().values().forEach(Tensor::close);
        }
        resumed = state;
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
                saveWeights(context.model().namedWeights());
            }
        } else if (++epochsWithoutImprovement >= patience) {
            context.stop(String.format(Locale.ROOT, "early stopping: %s did not improve for %d epoch(s);"
                    + " best %.6g at epoch %d", monitor, epochsWithoutImprovement, best, bestEpoch));
        }
    }

    @Override
    public void onTrainEnd(History history, TrainingContext context) {
        // after a divergence the weights are those of the unfinished epoch, whatever the last completed one was
        if (restoreBestWeights && !bestWeights.isEmpty() && (history.diverged() || bestEpoch != lastEpoch(history))) {
            context.model().namedWeights().forEach((name, w) -> InPlaceOps.assign(w, bestWeights.get(name)));
        }
        closeBestWeights();
    }

    private void closeBestWeights() {
        bestWeights.values().forEach(Tensor::close);
        bestWeights.clear();
    }

    private static int lastEpoch(History history) {
        return history.epochs().isEmpty() ? 0 : history.last().epoch();
    }

    private void saveWeights(Map<String, Tensor> weights) {
        weights.forEach((name, w) -> {
            Tensor copy = bestWeights.get(name);
            if (copy == null) {
                copy = Tensor.empty(w.backend(), w.dtype(), w.shape()).keep();
                bestWeights.put(name, copy);
            }
            InPlaceOps.assign(copy, w);
        });
    }
}
