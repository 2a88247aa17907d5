package dev.kiln.samples.training;

import dev.kiln.train.Callback;
import dev.kiln.train.EpochResult;
import dev.kiln.train.TrainingContext;
import java.io.PrintStream;

/**
 * A progress bar redrawn in place while an epoch runs (bar, ETA, running loss, samples per second), cleared at
 * the epoch's end so that the one-line epoch summary follows it. Only for terminals: see {@link #isTerminal()}.
 */
public final class ProgressBar implements Callback {
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final long samplesPerEpoch;
    private long epochStart;
    private long lastDraw;
    private double lossSum;
    private int width;

    /** A bar on {@code out} for epochs of {@code samplesPerEpoch} training samples. */
    public ProgressBar(PrintStream out, long samplesPerEpoch) {
        this.out = out;
        this.samplesPerEpoch = samplesPerEpoch;
    }

    /** Whether standard output is an interactive terminal, where redrawing a line makes sense. */
    public static boolean isTerminal() {
        return System.console() != null;
    }

    @Override
    public void onEpochBegin(int epoch, TrainingContext context) {
        epochStart = System.nanoTime();
        lastDraw = 0;
        lossSum = 0;
    }

    @Override
    public void onBatchEnd(int epoch, int step, double loss, TrainingContext context) {
        lossSum += loss;
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        long done = Math.min(samplesPerEpoch, (long) step * context.options().batchSize());
        String line = ProgressLine.render(epoch, context.options().epochs(), done, samplesPerEpoch,
                (now - epochStart) / 1e9, lossSum / step);
        out.print('\r' + line + " ".repeat(Math.max(0, width - line.length())));
        out.flush();
        width = line.length();
    }

    @Override
    public void onEpochEnd(EpochResult result, TrainingContext context) {
        out.print('\r' + " ".repeat(width) + '\r');
        out.flush();
        width = 0;
    }
}
