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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
    private static final ImageClassifier MLP = new ImageClassifier(new ImageMlp(128));

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Mixin
    private EpochBenchOptions bench;

    @Option(names = "--batch-sizes", split = ",", paramLabel = "N", defaultValue = "128,32",
            description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    private List<Integer> batchSizes;

    @Override
    public Integer call() {
        common.apply(true);
        bench.check(spec);
        if (batchSizes.stream().anyMatch(b -> b < 1)) {
            throw new ParameterException(spec.commandLine(), "the batch sizes must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        MnistData mnist = MnistData.load(DataSetSpec.MNIST, bench.data);
        out.printf("# kiln bench mnist-mlp%n%n784-128(relu)-10(softmax), Adam 1e-3, %d training images, no"
                + " validation; median of %d epochs after %d warm-up epoch(s).%n%n", mnist.train().size(),
                bench.epochs, bench.warmUp);
        int ran = 0;
        for (String name : bench.backendNames()) {
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
            double[] seconds = EpochTimer.epochSeconds(MLP, backend, mnist.train(), mnist.classes(), batch,
                    bench.warmUp, bench.epochs);
            double median = EpochTimer.median(seconds);
            out.printf(Locale.ROOT, "| %d | %.3f | %s | %,.0f |%n", batch, median,
                    Arrays.stream(seconds).mapToObj(s -> String.format(Locale.ROOT, "%.3f", s))
                            .collect(Collectors.joining(", ")), mnist.train().size() / median);
            out.flush();
        }
        if (!bench.profile) {
            out.println();
            return;
        }
        for (int batch : batchSizes) {
            ProfilingBackend profiled = new ProfilingBackend(backend);
            double seconds = EpochTimer.profiledEpoch(MLP, profiled, mnist.train(), mnist.classes(), batch,
                    bench.warmUp);
            OpProfile result = new OpProfile(seconds, profiled.times());
            out.printf(Locale.ROOT, "%nProfile at batch %d (one epoch, %.3f s with a device wait after each call):"
                    + "%n%n%s%n%s", batch, seconds, result.table(), result.detail());
            out.flush();
        }
        out.println();
    }
}
