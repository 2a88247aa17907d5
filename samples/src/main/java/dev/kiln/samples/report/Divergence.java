package dev.kiln.samples.report;

import dev.kiln.samples.SampleResult;
import dev.kiln.train.History;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a training run diverged: its training stopped on a loss that was no longer finite, or a loss it reports
 * at the end (of the last epoch, or of the test) is NaN or infinite.
 */
public final class Divergence {
    private Divergence() {
    }

    /** Why the run that gave {@code result} diverged, or empty when it did not. */
    public static Optional<String> of(SampleResult result) {
        History history = result.history();
        if (history.diverged()) {
            return Optional.of(history.stopReason());
        }
        if (!history.epochs().isEmpty()) {
            for (Map.Entry<String, Double> value : history.last().values().entrySet()) {
                if (isLoss(value.getKey()) && !Double.isFinite(value.getValue())) {
                    return Optional.of("the " + value.getKey() + " of epoch " + history.last().epoch() + " is "
                            + described(value.getValue()));
                }
            }
        }
        if (result.test() != null && !Double.isFinite(result.test().loss())) {
            return Optional.of("the test loss is " + described(result.test().loss()) + " after training");
        }
        return Optional.empty();
    }

    private static boolean isLoss(String name) {
        return name.equals("loss") || name.endsWith("_loss");
    }

    private static String described(double value) {
        return Double.isNaN(value) ? "not a number" : "infinite";
    }
}
