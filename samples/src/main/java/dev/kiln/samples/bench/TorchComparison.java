package dev.kiln.samples.bench;

import dev.kiln.samples.data.DataFetcher;
import dev.kiln.samples.data.DataSetSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;

/** The PyTorch side of a training benchmark: the same network timed on the CPU in the same run. */
final class TorchComparison {
    static final int THREADS = 2;
    static final long SEED = 42;

    private TorchComparison() {
    }

    /**
     * PyTorch's median seconds per epoch of {@code network} at {@code batchSize} (after {@code warmUp} untimed
     * epochs), printed with its timed epochs; null, with the reason printed, when it cannot run.
     */
    static Double measure(PrintWriter out, Path data, int epochs, int warmUp, int batchSize,
                          TorchReference.Network network) {
        out.printf("## PyTorch (CPU, %d threads, batch %d)%n%n", THREADS, batchSize);
        out.flush();
        Path directory = DataFetcher.standard(DataSetSpec.MNIST).ensure(DataSetSpec.MNIST, DataFetcher.dataRoot(data));
        TorchReference.Result result = new TorchReference(TorchReference.DEFAULT_TIMEOUT).run(
                new TorchReference.Settings(directory, epochs, warmUp, batchSize, THREADS, SEED, network));
        return print(out, result);
    }

    /** Prints PyTorch's run, or why there is none; returns its median seconds per epoch, or null. */
    static Double print(PrintWriter out, TorchReference.Result result) {
        if (result instanceof TorchReference.Measured measured) {
            out.printf(Locale.ROOT, "torch %s, %d threads: %.3f s per epoch (timed epochs %s), test accuracy %.4f%n%n",
                    measured.torchVersion(), measured.threads(), measured.medianSeconds(),
                    measured.epochSeconds().stream().map(s -> String.format(Locale.ROOT, "%.3f", s))
                            .collect(Collectors.joining(", ")), measured.testAccuracy());
            out.flush();
            return measured.medianSeconds();
        }
        out.printf("not measured: %s%n%n", ((TorchReference.Unavailable) result).reason());
        out.flush();
        return null;
    }
}
