package dev.kiln.samples;

import dev.kiln.train.Callback;
import dev.kiln.train.EpochLogger;
import dev.kiln.train.EpochResult;
import dev.kiln.train.TrainingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the epoch line of the first epoch, every {@code every}-th epoch and the last one (short epochs are many). */
public final class EpochLog implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(EpochLog.class);
    private final int every;

    public EpochLog(int every) {
        this.every = every;
    }

    @Override
    public void onEpochEnd(EpochResult result, TrainingContext context) {
        int epochs = context.options().epochs();
        if (result.epoch() == 1 || result.epoch() % every == 0 || result.epoch() == epochs) {
            LOG.info(EpochLogger.format(result, epochs));
        } else {
            LOG.debug(EpochLogger.format(result, epochs));
        }
    }
}
