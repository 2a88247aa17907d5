package dev.kiln.samples.bench;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.samples.commandline.CommonOptions;
import dev.kiln.samples.data.DataFetcher;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.samples.mnist.ImageClassifier;
import dev.kiln.samples.mnist.MnistCnn;
import dev.kiln.samples.mnist.MnistData;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln bench mnist-cnn [BACKEND...]}: seconds per epoch of the mnist-cnn sample's network per backend at one
 * batch size (data in memory, median of the timed epochs after warm-up), a per-call profile of one more epoch, and
 * the same network in PyTorch on the CPU in the same run when python3 with torch is present, with the ratios.
 */
@Command(name = "mnist-cnn",
        description = "The mnist-cnn sample's network (conv 32 - pool - conv 64 - pool - dense 128 - dropout - 10,"
                + " Adam) per backend: seconds per epoch, the median of the timed epochs after warm-up, data loading"
                + " excluded; one profiled epoch per backend (a device wait after every call: for shares, not speed);"
                + " then PyTorch on the CPU with the same network, when python3 with torch is importable"
                + " (apt-get install python3-torch). Prints Markdown.")
public final class MnistCnnBench implements Callable<Integer> {
    private static final int DENSE = 128;
    private static final double DROPOUT = 0.5;
    private static final ImageClassifier CNN = new ImageClassifier(new MnistCnn(DENSE, DROPOUT), 0, false);

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Mixin
    private EpochBenchOptions bench;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "128",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--torch", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the PyTorch reference when python3 with torch is present (default: on).")
    private boolean torch;

    @Override
    public Integer call() {
        common.apply(true);
        bench.check(spec);
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        MnistData mnist = MnistData.load(DataSetSpec.MNIST, bench.data);
        out.printf(Locale.ROOT, "# kiln bench mnist-cnn%n%nconv 32 3x3 relu - max-pool 2 - conv 64 3x3 relu -"
                + " max-pool 2 - dense %d relu - dropout %.2f - dense 10 softmax, Adam 1e-3, batch %d, %d training"
                + " images, no validation; median of %d epochs after %d warm-up epoch(s).%n%n", DENSE, DROPOUT,
                batchSize, mnist.train().size(), bench.epochs, bench.warmUp);
        Map<String, Double> medians = new LinkedHashMap<>();
        for (String name : bench.backendNames()) {
            try (Backend backend = Backends.select(name)) {
                medians.put(name, bench(backend, mnist, out));
            } catch (KilnException e) {
                out.printf("## %s%n%nnot measured: %s%n%n", name, e.getMessage());
            }
            out.flush();
        }
        Double reference = torch ? pytorch(out) : null;
        if (reference != null && !medians.isEmpty()) {
            out.printf("## Same run, against PyTorch%n%n| backend | seconds per epoch | PyTorch | ratio |%n"
                    + "|---|---|---|---|%n");
            medians.forEach((name, seconds) -> out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2fx |%n", name, seconds,
                    reference, seconds / reference));
            out.println();
        }
        out.flush();
        return medians.isEmpty() ? 1 : 0;
    }

    /** Times and profiles one backend; returns its median seconds per epoch. */
    private double bench(Backend backend, MnistData mnist, PrintWriter out) {
        out.printf("## %s (%s)%n%n| batch | seconds per epoch | timed epochs (s) | samples/s |%n|---|---|---|---|%n",
                backend.name(), backend.device().name());
        out.flush();
        double[] seconds = EpochTimer.epochSeconds(CNN, backend, mnist.train(), mnist.classes(), batchSize,
                bench.warmUp, bench.epochs);
        double median = EpochTimer.median(seconds);
        out.printf(Locale.ROOT, "| %d | %.3f | %s | %,.0f |%n", batchSize, median,
                Arrays.stream(seconds).mapToObj(s -> String.format(Locale.ROOT, "%.3f", s))
                        .collect(Collectors.joining(", ")), mnist.train().size() / median);
        if (bench.profile) {
            ProfilingBackend profiled = new ProfilingBackend(backend);
            double epoch = EpochTimer.profiledEpoch(CNN, profiled, mnist.train(), mnist.classes(), batchSize, 0);
            OpProfile result = new OpProfile(epoch, profiled.times());
            out.printf(Locale.ROOT, "%nProfile (one epoch, %.3f s with a device wait after each call):%n%n%s%n%s",
                    epoch, result.table(), result.detail());
            out.printf(Locale.ROOT, "%nPeak memory of a training step: %.1f MiB of buffers live at once (weights,"
                    + " optimizer state, the batch, activations, gradients and im2col columns).%n",
                    profiled.peakBytes() / 1048576.0);
        }
        out.println();
        return median;
    }

    /** PyTorch's median seconds per epoch for the same network and settings, or null when it cannot run. */
    private Double pytorch(PrintWriter out) {
        out.printf("## PyTorch (CPU, 2 threads)%n%n");
        out.flush();
        Path directory = DataFetcher.standard(DataSetSpec.MNIST).ensure(DataSetSpec.MNIST,
                DataFetcher.dataRoot(bench.data));
        TorchReference.Result result = new TorchReference(TorchReference.DEFAULT_TIMEOUT).run(
                new TorchReference.Settings(directory, bench.epochs, bench.warmUp, batchSize, 2, 42, DENSE,
                        DROPOUT));
        if (result instanceof TorchReference.Measured measured) {
            out.printf(Locale.ROOT, "torch %s, %d threads: %.3f s per epoch (timed epochs %s), test accuracy %.4f%n%n",
                    measured.torchVersion(), measured.threads(), measured.medianSeconds(),
                    measured.epochSeconds().stream().map(s -> String.format(Locale.ROOT, "%.3f", s))
                            .collect(Collectors.joining(", ")), measured.testAccuracy());
            return measured.medianSeconds();
        }
        out.printf("not measured: %s%n%n", ((TorchReference.Unavailable) result).reason());
        return null;
    }
}
