package dev.kiln.samples.bench;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.samples.commandline.CommonOptions;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.samples.mnist.ImageClassifier;
import dev.kiln.samples.mnist.ImageMlp;
import dev.kiln.samples.mnist.MnistData;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln bench mnist-mlp [BACKEND...]}: seconds per epoch of the MNIST MLP per backend and batch size (data
 * loaded beforehand, median of the timed epochs after warm-up) and a per-call profile of one more epoch.
 */
@Command(name = "mnist-mlp",
        description = "The MNIST MLP (784-128-10, Adam) per backend and batch size: seconds per epoch, the median"
                + " of the timed epochs after warm-up, data loading excluded; then one profiled epoch per batch size"
                + " with a device wait after every backend call (slower: for shares, not speed). Prints Markdown.")
public final class MnistMlpBench implements Callable<Integer> {
    private static final List<String> BACKENDS = List.of("cpu", "opencl");
    private static final ImageClassifier MLP = new ImageClassifier(new ImageMlp(128));

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Parameters(arity = "0..*", paramLabel = "BACKEND",
            description = "Backends to measure, in order (default: cpu opencl); unavailable ones are reported.")
    private List<String> backends = new ArrayList<>();

    @Option(names = "--batch-sizes", split = ",", paramLabel = "N", defaultValue = "128,32",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    private List<Integer> batchSizes;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3",
            description = "Timed epochs per batch size; the median is reported (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--warm-up", paramLabel = "N", defaultValue = "1",
            description = "Untimed epochs before the timed ones (default: ${DEFAULT-VALUE}).")
    private int warmUp;

    @Option(names = "--profile", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Profile one epoch per batch size after timing (default: on).")
    private boolean profile;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: the kiln.data setting).")
    private Path data;

    @Override
    public Integer call() {
        common.apply(true);
        for (String backend : backends) {
            if (!BACKENDS.contains(backend)) {
                throw new ParameterException(spec.commandLine(),
                        "unknown backend '" + backend + "'; expected cpu or opencl");
            }
        }
        if (epochs < 1 || warmUp < 0 || batchSizes.stream().anyMatch(b -> b < 1)) {
            throw new ParameterException(spec.commandLine(),
                    "--epochs and the batch sizes must be at least 1, --warm-up at least 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        MnistData mnist = MnistData.load(DataSetSpec.MNIST, data);
        out.printf("# kiln bench mnist-mlp%n%n784-128(relu)-10(softmax), Adam 1e-3, %d training images, no"
                + " validation; median of %d epochs after %d warm-up epoch(s).%n%n", mnist.train().size(), epochs,
                warmUp);
        int ran = 0;
        for (String name : backends.isEmpty() ? BACKENDS : backends) {
            try (Backend backend = Backends.select(name)) {
                bench(backend, mnist, out);
                ran++;
            } catch (KilnException e) {
                out.printf("## %s%n%nnot measured: %s%n%n", name, e.getMessage());
            }
            out.flush();
        }
        return ran > 0 ? 0 : 1;
    }

    private void bench(Backend backend, MnistData mnist, PrintWriter out) {
        out.printf("## %s (%s)%n%n| batch | seconds per epoch | timed epochs (s) | samples/s |%n|---|---|---|---|%n",
                backend.name(), backend.device().name());
        out.flush();
        for (int batch : batchSizes) {
            double[] seconds = EpochTimer.epochSeconds(MLP, backend, mnist.train(), mnist.classes(), batch, warmUp,
                    epochs);
            double median = EpochTimer.median(seconds);
            out.printf(Locale.ROOT, "| %d | %.3f | %s | %,.0f |%n", batch, median,
                    Arrays.stream(seconds).mapToObj(s -> String.format(Locale.ROOT, "%.3f", s))
                            .collect(Collectors.joining(", ")), mnist.train().size() / median);
            out.flush();
        }
        if (!profile) {
            out.println();
            return;
        }
        for (int batch : batchSizes) {
            ProfilingBackend profiled = new ProfilingBackend(backend);
            double seconds = EpochTimer.profiledEpoch(MLP, profiled, mnist.train(), mnist.classes(), batch, warmUp);
            OpProfile result = new OpProfile(seconds, profiled.times());
            out.printf(Locale.ROOT, "%nProfile at batch %d (one epoch, %.3f s with a device wait after each call):"
                    + "%n%n%s%n%s", batch, seconds, result.table(), result.detail());
            out.flush();
        }
        out.println();
    }
}
