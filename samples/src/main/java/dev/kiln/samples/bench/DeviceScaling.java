package dev.kiln.samples.bench;

import dev.kiln.backend.Backend;
import dev.kiln.data.Dataset;
import dev.kiln.samples.mnist.ImageClassifier;
import dev.kiln.train.DeviceReport;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of a training on its first device alone and with a replica on every device listed, at each batch
 * size: the speed-up, the scaling efficiency (the speed-up over the device count) and the share of a step spent
 * exchanging weights and gradients through the host.
 */
final class DeviceScaling {
    private DeviceScaling() {
    }

    /** Times the fits and prints the Markdown table. */
    static void print(ImageClassifier classifier, List<Backend> devices, Dataset data, int classes,
                      List<Integer> batchSizes, int warmUp, int timed, PrintWriter out) {
        out.printf("## %d devices: %s%n%n| batch | devices | seconds per epoch | samples/s | speed-up | scaling"
                + " efficiency | exchange share | split weights |%n|---|---|---|---|---|---|---|---|%n",
                devices.size(), devices.stream().map(b -> b.device().name() + " (" + b.name() + ")").toList());
        out.flush();
        for (int batch : batchSizes) {
            double alone = EpochTimer.median(EpochTimer.epochSeconds(classifier, devices.subList(0, 1), data, classes,
                    batch, warmUp, timed).seconds());
            row(out, batch, 1, alone, alone, data.size(), null);
            EpochTimer.Timed together = EpochTimer.epochSeconds(classifier, devices, data, classes, batch, warmUp,
                    timed);
            row(out, batch, devices.size(), EpochTimer.median(together.seconds()), alone, data.size(),
                    together.report());
        }
        out.println();
        out.flush();
    }

    private static void row(PrintWriter out, int batch, int count, double seconds, double alone, int samples,
                            DeviceReport report) {
        double speedUp = alone / seconds;
        out.printf(Locale.ROOT, "| %d | %d | %.3f | %,.0f | %.2fx | %.0f%% | %s | %s |%n", batch, count, seconds,
                samples / seconds, speedUp, 100 * speedUp / count,
                report == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * report.exchangeShare()),
                report == null ? "-" : report.weights().stream()
                        .map(w -> String.format(Locale.ROOT, "%.0f", w)).toList());
        out.flush();
    }
}
