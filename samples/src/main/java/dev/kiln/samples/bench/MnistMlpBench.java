package dev.kiln.samples.bench;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.samples.commandline.CommonOptions;
import dev.kiln.samples.commandline.DeviceList;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.samples.mnist.ImageClassifier;
import dev.kiln.samples.mnist.ImageMlp;
import dev.kiln.samples.mnist.MnistData;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln bench mnist-mlp [BACKEND...]}: seconds per epoch of the MNIST MLP per backend and batch size (data
 * loaded beforehand, median of the timed epochs after warm-up), a per-call profile of one more epoch, and the same
 * network in PyTorch in the same run when python3 with torch is present, its timed epochs alternated with Kiln's.
 */
@Command(name = "mnist-mlp",
        description = "The MNIST MLP (784-128-10, Adam) per backend and batch size: seconds per epoch, the median"
                + " of the timed epochs after warm-up, data loading excluded; then one profiled epoch per batch size"
                + " with a device wait after every backend call (slower: for shares, not speed); then PyTorch on the"
                + " CPU with the same network per batch size, when python3 with torch is importable (apt-get install"
                + " python3-torch). Prints Markdown.")
public final class MnistMlpBench implements Callable<Integer> {
    private static final int HIDDEN = 128;
    private static final ImageClassifier MLP = new ImageClassifier(new ImageMlp(HIDDEN));

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Mixin
    private EpochBenchOptions bench;

    @Option(names = "--batch-sizes", split = ",", paramLabel = "N", defaultValue = "128,32",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    private List<Integer> batchSizes;

    @Option(names = "--torch", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the PyTorch reference when python3 with torch is present (default: on).")
    private boolean torch;

    @Option(names = "--alternate", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run PyTorch's timed epochs in turn with each backend's, one after each of Kiln's, so that"
                    + " a machine whose speed drifts slows both alike (default: on); --no-alternate runs PyTorch once"
                    + " per batch size after all backends.")
    private boolean alternate;

    /** PyTorch's median seconds per epoch, by backend then batch size, from the runs alternated with each backend. */
    private final Map<String, Map<Integer, Double>> alternated = new LinkedHashMap<>();

    @Override
    public Integer call() {
        common.apply(true);
        bench.check(spec);
        if (batchSizes.stream().anyMatch(b -> b < 1)) {
            throw new ParameterException(spec.commandLine(), "the batch sizes must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        MnistData mnist = MnistData.load(DataSetSpec.MNIST, bench.data);
        if (bench.devices != null) {
            return scaling(mnist, out);
        }
        out.printf("# kiln bench mnist-mlp%n%n784-128(relu)-10(softmax), Adam 1e-3, %d training images, no"
                + " validation; median of %d epochs after %d warm-up epoch(s).%n%n", mnist.train().size(),
                bench.epochs, bench.warmUp);
        Map<String, Map<Integer, Double>> medians = new LinkedHashMap<>();
        for (String name : bench.backendNames()) {
            try (Backend backend = Backends.select(name)) {
                medians.put(name, bench(backend, mnist, out));
            } catch (KilnException e) {
                out.printf("## %s%n%nnot measured: %s%n%n", name, e.getMessage());
            }
            out.flush();
        }
        if (torch && alternate && !medians.isEmpty()) {
            printRatios(medians, alternated, out, "PyTorch's timed epochs alternated with each backend's");
        } else if (torch && !medians.isEmpty()) {
            compareWithPyTorch(medians, out);
        }
        return medians.isEmpty() ? 1 : 0;
    }

    /** The throughput on one device and on all of {@code --devices}. */
    private int scaling(MnistData mnist, PrintWriter out) {
        try (DeviceList opened = bench.openDevices(spec)) {
            out.printf("# kiln bench mnist-mlp --devices %s%n%n784-128(relu)-10(softmax), Adam 1e-3, %d training"
                    + " images; median of %d epochs after %d warm-up epoch(s); batches split by measured speed.%n%n",
                    bench.devices, mnist.train().size(), bench.epochs, bench.warmUp);
            DeviceScaling.print(MLP, opened.backends(), mnist.train(), mnist.classes(), batchSizes, bench.warmUp,
                    bench.epochs, out);
        }
        return 0;
    }

    /** Runs PyTorch at each batch size and prints each backend's epoch time as a ratio of PyTorch's. */
    private void compareWithPyTorch(Map<String, Map<Integer, Double>> medians, PrintWriter out) {
        Map<Integer, Double> reference = new LinkedHashMap<>();
        for (int batch : batchSizes) {
            Double seconds = TorchComparison.measure(out, bench.data, bench.epochs, bench.warmUp, batch,
                    new TorchReference.Mlp(HIDDEN));
            if (seconds == null) {
                return;
            }
            reference.put(batch, seconds);
        }
        Map<String, Map<Integer, Double>> references = new LinkedHashMap<>();
        medians.keySet().forEach(name -> references.put(name, reference));
        printRatios(medians, references, out, "PyTorch run after all backends");
    }

    /** Each backend's median epoch as a ratio of PyTorch's in {@code references} (by backend, then batch size). */
    private static void printRatios(Map<String, Map<Integer, Double>> medians,
                                    Map<String, Map<Integer, Double>> references, PrintWriter out, String how) {
        out.printf("## Same run, against PyTorch (%s)%n%n| backend | batch | seconds per epoch | PyTorch | ratio |%n"
                + "|---|---|---|---|---|%n", how);
        medians.forEach((name, byBatch) -> byBatch.forEach((batch, seconds) -> {
            Double reference = references.getOrDefault(name, Map.of()).get(batch);
            if (reference == null) {
                out.printf(Locale.ROOT, "| %s | %d | %.3f | not measured | |%n", name, batch, seconds);
            } else {
                out.printf(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.2fx |%n", name, batch, seconds, reference,
                        seconds / reference);
            }
        }));
        out.println();
        out.flush();
    }

    /** PyTorch's runs alternated with {@code backend}'s epochs, kept for the ratios. */
    private void printAlternated(String backend, Map<Integer, TorchReference.Result> references, PrintWriter out) {
        Map<Integer, Double> byBatch = new LinkedHashMap<>();
        if (!references.isEmpty()) {
            out.println();
        }
        references.forEach((batch, result) -> {
            out.printf("PyTorch (CPU, %d threads, batch %d), its epochs alternated with these: ",
                    TorchComparison.THREADS, batch);
            Double seconds = TorchComparison.print(out, result);
            if (seconds != null) {
                byBatch.put(batch, seconds);
            }
        });
        alternated.put(backend, byBatch);
    }

    /**
     * The timed epochs on {@code backend} at {@code batch}, each followed by one of PyTorch's when alternating;
     * PyTorch's run, or why there is none, goes into {@code references}.
     */
    private double[] timedEpochs(Backend backend, MnistData mnist, int batch,
                                 Map<Integer, TorchReference.Result> references) {
        Function<Runnable, double[]> epochs = afterEach -> EpochTimer.epochSeconds(MLP, backend, mnist.train(),
                mnist.classes(), batch, bench.warmUp, bench.epochs, afterEach);
        if (!torch || !alternate) {
            return epochs.apply(() -> { });
        }
        return TorchPairs.alternate(() -> TorchPairs.start(bench.data, bench.epochs, bench.warmUp, batch,
                new TorchReference.Mlp(HIDDEN)), epochs, result -> references.put(batch, result));
    }

    /** Times and profiles one backend; returns its median seconds per epoch by batch size. */
    private Map<Integer, Double> bench(Backend backend, MnistData mnist, PrintWriter out) {
        out.printf("## %s (%s)%n%n| batch | seconds per epoch | timed epochs (s) | samples/s |%n|---|---|---|---|%n",
                backend.name(), backend.device().name());
        out.flush();
        Map<Integer, Double> medians = new LinkedHashMap<>();
        Map<Integer, TorchReference.Result> references = new LinkedHashMap<>();
        for (int batch : batchSizes) {
            double[] seconds = timedEpochs(backend, mnist, batch, references);
            double median = EpochTimer.median(seconds);
            medians.put(batch, median);
            out.printf(Locale.ROOT, "| %d | %.3f | %s | %,.0f |%n", batch, median,
                    Arrays.stream(seconds).mapToObj(s -> String.format(Locale.ROOT, "%.3f", s))
                            .collect(Collectors.joining(", ")), mnist.train().size() / median);
            out.flush();
        }
        printAlternated(backend.name(), references, out);
        if (!bench.profile) {
            out.println();
            return medians;
        }
        for (int batch : batchSizes) {
            ProfilingBackend profiled = new ProfilingBackend(backend);
            OpProfile result = EpochTimer.profiledEpoch(MLP, profiled, mnist.train(), mnist.classes(), batch,
                    bench.warmUp);
            out.printf(Locale.ROOT, "%nProfile at batch %d (one epoch, %.3f s with a device wait after each call):"
                    + "%n%n%s%n%s", batch, result.epochSeconds(), result.table(), result.detail());
            out.flush();
        }
        out.println();
        return medians;
    }
}
