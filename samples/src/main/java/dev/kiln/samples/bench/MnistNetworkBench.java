package dev.kiln.samples.bench;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.samples.commandline.CommonOptions;
import dev.kiln.samples.commandline.DeviceList;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.samples.mnist.ImageArchitecture;
import dev.kiln.samples.mnist.ImageClassifier;
import dev.kiln.samples.mnist.MnistData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A {@code kiln bench} command for one network on MNIST: seconds per epoch per backend at one batch size (data in
 * memory, median of the timed epochs after warm-up, Adam 1e-3, no validation, no annealing), a per-call profile of
 * one more epoch, and the same network in PyTorch on the CPU in the same run when python3 with torch is present,
 * its timed epochs alternated with each backend's unless {@code --no-alternate}, with the ratios. A subclass names
 * its network, for Kiln and for PyTorch.
 */
abstract class MnistNetworkBench implements Callable<Integer> {
    /** The end of each subclass's command description: what is measured and what the PyTorch side needs. */
    static final String MEASURED = " per backend: seconds per epoch, the median of the timed epochs after warm-up,"
            + " data loading excluded; one profiled epoch per backend (a device wait after every call: for shares, not"
            + " speed); PyTorch on the CPU with the same network, its timed epochs alternated with each backend's,"
            + " when python3 with torch is importable (apt-get install python3-torch). Prints Markdown.";


    private final String layers;
    private final ImageClassifier classifier;
    private final TorchReference.Network torchNetwork;

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

    @Option(names = "--alternate", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run PyTorch's timed epochs in turn with each backend's, one after each of Kiln's, so that"
                    + " a machine whose speed drifts slows both alike (default: on); --no-alternate runs PyTorch once"
                    + " after all backends.")
    private boolean alternate;

    /** PyTorch's median seconds per epoch, by backend, from the runs alternated with each backend. */
    private final Map<String, Double> alternated = new LinkedHashMap<>();

    /**
     * {@code layers}: the network's layers as the report's first line names them; {@code architecture}: Kiln's
     * network; {@code torchNetwork}: the same network for the PyTorch script.
     */
    MnistNetworkBench(String layers, ImageArchitecture architecture, TorchReference.Network torchNetwork) {
        this.layers = layers;
        this.classifier = new ImageClassifier(architecture, 0, false);
        this.torchNetwork = torchNetwork;
    }

    @Override
    public final Integer call() {
        common.apply(true);
        bench.check(spec);
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        MnistData mnist = MnistData.load(DataSetSpec.MNIST, bench.data);
        out.printf(Locale.ROOT, "# kiln bench %s%n%n%s, Adam 1e-3, batch %d, %d training images, no validation;"
                + " median of %d epochs after %d warm-up epoch(s).%n%n", spec.name(), layers, batchSize,
                mnist.train().size(), bench.epochs, bench.warmUp);
        if (bench.devices != null) {
            try (DeviceList devices = bench.openDevices(spec)) {
                DeviceScaling.print(classifier, devices.backends(), mnist.train(), mnist.classes(),
                        List.of(batchSize), bench.warmUp, bench.epochs, out);
            }
            return 0;
        }
        Map<String, Double> medians = new LinkedHashMap<>();
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
            Double reference = TorchComparison.measure(out, bench.data, bench.epochs, bench.warmUp, batchSize,
                    torchNetwork);
            if (reference != null) {
                Map<String, Double> references = new LinkedHashMap<>();
                medians.keySet().forEach(name -> references.put(name, reference));
                printRatios(medians, references, out, "PyTorch run after all backends");
            }
        }
        out.flush();
        return medians.isEmpty() ? 1 : 0;
    }

    /** Each backend's median epoch as a ratio of PyTorch's in {@code references}, by backend. */
    private static void printRatios(Map<String, Double> medians, Map<String, Double> references, PrintWriter out,
                                    String how) {
        out.printf("## Same run, against PyTorch (%s)%n%n| backend | seconds per epoch | PyTorch | ratio |%n"
                + "|---|---|---|---|%n", how);
        medians.forEach((name, seconds) -> {
            Double reference = references.get(name);
            if (reference == null) {
                out.printf(Locale.ROOT, "| %s | %.3f | not measured | |%n", name, seconds);
            } else {
                out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.2fx |%n", name, seconds, reference,
                        seconds / reference);
            }
        });
        out.println();
    }

    /**
     * The timed epochs on {@code backend}, each followed by one of PyTorch's when alternating; PyTorch's run, or why
     * there is none, is printed and its median kept for the ratios.
     */
    private double[] timedEpochs(Backend backend, MnistData mnist, PrintWriter out) {
        Function<Runnable, double[]> epochs = afterEach -> EpochTimer.epochSeconds(classifier, backend, mnist.train(),
                mnist.classes(), batchSize, bench.warmUp, bench.epochs, afterEach);
        if (!torch || !alternate) {
            return epochs.apply(() -> { });
        }
        TorchReference.Result[] reference = new TorchReference.Result[1];
        double[] seconds = TorchPairs.alternate(() -> TorchPairs.start(bench.data, bench.epochs, bench.warmUp,
                batchSize, torchNetwork), epochs, result -> reference[0] = result);
        out.printf("%nPyTorch (CPU, %d threads, batch %d), its epochs alternated with these: ",
                TorchComparison.THREADS, batchSize);
        Double median = TorchComparison.print(out, reference[0]);
        if (median != null) {
            alternated.put(backend.name(), median);
        }
        return seconds;
    }

    /** Times and profiles one backend; returns its median seconds per epoch. */
    private double bench(Backend backend, MnistData mnist, PrintWriter out) {
        out.printf("## %s (%s)%n%n| batch | seconds per epoch | timed epochs (s) | samples/s |%n|---|---|---|---|%n",
                backend.name(), backend.device().name());
        out.flush();
        StringWriter torchLine = new StringWriter();
        double[] seconds = timedEpochs(backend, mnist, new PrintWriter(torchLine));
        double median = EpochTimer.median(seconds);
        out.printf(Locale.ROOT, "| %d | %.3f | %s | %,.0f |%n", batchSize, median,
                Arrays.stream(seconds).mapToObj(s -> String.format(Locale.ROOT, "%.3f", s))
                        .collect(Collectors.joining(", ")), mnist.train().size() / median);
        out.print(torchLine);
        if (bench.profile) {
            ProfilingBackend profiled = new ProfilingBackend(backend);
            OpProfile result = EpochTimer.profiledEpoch(classifier, profiled, mnist.train(), mnist.classes(),
                    batchSize, 0);
            out.printf(Locale.ROOT, "%nProfile (one epoch, %.3f s with a device wait after each call):%n%n%s%n%s",
                    result.epochSeconds(), result.table(), result.detail());
            out.printf(Locale.ROOT, "%nPeak memory of a training step: %.1f MiB of buffers live at once (weights,"
                    + " optimizer state, the batch, activations, gradients and workspaces).%n",
                    profiled.peakBytes() / 1048576.0);
        }
        out.println();
        return median;
    }
}
