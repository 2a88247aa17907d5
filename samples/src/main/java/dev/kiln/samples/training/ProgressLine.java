package dev.kiln.samples.training;

import java.util.Locale;

/** The text of a terminal progress bar for one epoch: bar, samples done, ETA, running loss and throughput. */
final class ProgressLine {
    private static final int BAR_WIDTH = 30;

    private ProgressLine() {
    }

    /**
     * For example
     * {@code "epoch 2/10 [=========>....................] 16000/54000  ETA 4s  loss 0.2413  9,412 samples/s"}.
     */
    static String render(int epoch, int epochs, long done, long total, double seconds, double loss) {
        double fraction = total > 0 ? Math.min(1, (double) done / total) : 1;
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        StringBuilder bar = new StringBuilder(BAR_WIDTH);
        for (int i = 0; i < BAR_WIDTH; i++) {
            bar.append(i < filled - 1 || (i == filled - 1 && done >= total) ? '=' : i == filled - 1 ? '>' : '.');
        }
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 ? duration((total - done) / rate) : "?";
        return String.format(Locale.ROOT, "epoch %d/%d [%s] %d/%d  ETA %s  loss %.4f  %,.0f samples/s",
                epoch, epochs, bar, done, total, eta, loss, rate);
    }

    /** Seconds as "42s", "3m05s" or "1h02m". */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
