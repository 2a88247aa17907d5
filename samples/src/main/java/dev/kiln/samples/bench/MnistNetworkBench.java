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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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
 * with the ratios. A subclass names its network, for Kiln and for PyTorch.
 */
abstract class MnistNetworkBench implements Callable<Integer> {
    /** The end of each subclass's command description: what is measured and what the PyTorch side needs. */
    static final String MEASURED = " per backend: seconds per epoch, the median of the timed epochs after warm-up,"
            + " data loading excluded; one profiled epoch per backend (a device wait after every call: for shares, not"
            + " speed); then PyTorch on the CPU with the same network, when python3 with torch is importable"
            + " (apt-get install python3-torch). Prints Markdown.";


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
        Double reference = torch
                ? TorchComparison.measure(out, bench.data, bench.epochs, bench.warmUp, batchSize, torchNetwork)
                : null;
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
        double[] seconds = EpochTimer.epochSeconds(classifier, backend, mnist.train(), mnist.classes(), batchSize,
                bench.warmUp, bench.epochs);
        double median = EpochTimer.median(seconds);
        out.printf(Locale.ROOT, "| %d | %.3f | %s | %,.0f |%n", batchSize, median,
                Arrays.stream(seconds).mapToObj(s -> String.format(Locale.ROOT, "%.3f", s))
                        .collect(Collectors.joining(", ")), mnist.train().size() / median);
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
