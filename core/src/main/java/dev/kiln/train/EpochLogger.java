package dev.kiln.train;

import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs one line per epoch, Keras style, and why training stopped when it stopped early. */
public final class EpochLogger implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(EpochLogger.class);

    @Override
    public void onEpochEnd(EpochResult result, TrainingContext context) {
        if (LOG.isInfoEnabled()) {
            LOG.info(format(result, context.options().epochs()));
        }
    }

    @Override
    public void onTrainEnd(History history, TrainingContext context) {
        if (history.stoppedEarly()) {
            LOG.warn("training stopped after {} epoch(s): {}", history.epochs().size(), history.stopReason());
        }
    }

    /** "epoch 3/10 - loss: 0.1234 - accuracy: 0.9612 - val_loss: ... - 1.2 s - 45000 samples/s". */
    public static String format(EpochResult result, int epochs) {
        StringBuilder line = new StringBuilder("epoch ").append(result.epoch()).append('/').append(epochs);
        for (Map.Entry<String, Double> e : result.values().entrySet()) {
            line.append(" - ").append(e.getKey()).append(": ").append(String.format(Locale.ROOT, "%.4f", e.getValue()));
        }
        line.append(String.format(Locale.ROOT, " - %.1f s - %.0f samples/s", result.seconds(), result.samplesPerSecond()));
        return line.toString();
    }
}
