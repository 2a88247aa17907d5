package dev.kiln.samples.bench;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.model.Model;
import dev.kiln.monitor.TensorBoard;
import dev.kiln.monitor.TrainingRecorder;
import dev.kiln.samples.FileTrees;
import dev.kiln.samples.commandline.CommonOptions;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.samples.mnist.ImageClassifier;
import dev.kiln.samples.mnist.ImageMlp;
import dev.kiln.samples.mnist.MnistData;
import dev.kiln.train.Callback;
import dev.kiln.train.FitOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln bench monitoring [BACKEND...]}: what watching training costs on the MNIST MLP. Three models of the same
 * start train one epoch each per round, in an order that rotates every round so that a machine's drift falls on all
 * of them: without monitoring, with the report's recorder (what every {@code kiln train} runs), and with the recorder
 * and TensorBoard event files with histograms every epoch (what {@code --logdir} adds). Each epoch is timed around
 * the whole {@code fit}, end-of-epoch histograms included.
 */
@Command(name = "monitoring",
        description = "The cost of watching training on the MNIST MLP (784-128-10, Adam): seconds per epoch without"
                + " monitoring, with the report's histograms, and with TensorBoard files too (--logdir), one epoch of"
                + " each per round in rotating order; the overhead is the median of the rounds' ratios."
                + " Prints Markdown.")
public final class MonitoringBench implements Callable<Integer> {
    private static final ImageClassifier MLP = new ImageClassifier(new ImageMlp(128));
    private static final long SEED = 42;

    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Parameters(arity = "0..*", paramLabel = "BACKEND",
            description = "Backends to measure, in order (default: cpu opencl); unavailable ones are reported.")
    private List<String> backends = new ArrayList<>();

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "6",
            description = "Timed rounds, after one untimed round (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Batch size (default: ${DEFAULT-VALUE}, the mnist-mlp sample's).")
    private int batchSize;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: the kiln.data setting).")
    private Path data;

    /** One way of training an epoch: its name and the callbacks it adds, given a log directory. */
    private record Variant(String name, Function<Path, List<Callback>> callbacks) {
    }

    private static final List<Variant> VARIANTS = List.of(
            new Variant("no monitoring", logs -> List.of()),
            new Variant("report histograms", logs -> List.of(new TrainingRecorder())),
            new Variant("report and TensorBoard (--logdir)", logs -> List.of(new TrainingRecorder(),
                    new TensorBoard(logs).histogramsEvery(1))));

    @Override
    public Integer call() {
        common.apply(true);
        BenchBackends.check(spec, backends);
        if (rounds < 1 || batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds and --batch-size must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        MnistData mnist = MnistData.load(DataSetSpec.MNIST, data);
        out.printf("# kiln bench monitoring%n%n784-128(relu)-10(softmax), Adam 1e-3, batch %d, %d training images;"
                + " %d rounds after one untimed round.%n%n", batchSize, mnist.train().size(), rounds);
        int ran = 0;
        for (String name : BenchBackends.orAll(backends)) {
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
        out.printf("## %s (%s)%n%n", backend.name(), backend.device().name());
        out.flush();
        Path logs = temporaryDirectory();
        List<Model> models = new ArrayList<>();
        try {
            for (int v = 0; v < VARIANTS.size(); v++) {
                models.add(MLP.model(backend, mnist.train().featureShape(), mnist.classes(), 1e-3, SEED));
            }
            double[][] seconds = new double[VARIANTS.size()][rounds];
            for (int round = -1; round < rounds; round++) {
                for (int k = 0; k < VARIANTS.size(); k++) {
                    int v = Math.floorMod(round + k, VARIANTS.size());
                    double s = epoch(models.get(v), mnist, VARIANTS.get(v).callbacks().apply(logs.resolve("v" + v)));
                    if (round >= 0) {
                        seconds[v][round] = s;
                    }
                }
            }
            out.printf("| | seconds per epoch (median) | overhead (median of the rounds' ratios) |%n|---|---|---|%n");
            for (int v = 0; v < VARIANTS.size(); v++) {
                double[] ratios = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    ratios[r] = seconds[v][r] / seconds[0][r];
                }
                out.printf(Locale.ROOT, "| %s | %.3f | %s |%n", VARIANTS.get(v).name(),
                        EpochTimer.median(seconds[v]),
                        v == 0 ? "" : String.format(Locale.ROOT, "%+.1f%%", 100 * (EpochTimer.median(ratios) - 1)));
            }
            out.println();
        } finally {
            models.forEach(Model::close);
            try {
                FileTrees.delete(logs);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private double epoch(Model model, MnistData mnist, List<Callback> callbacks) {
        long start = System.nanoTime();
        model.fit(mnist.train(), FitOptions.builder().epochs(1).batchSize(batchSize).seed(SEED).log(false)
                .callbacks(callbacks.toArray(Callback[]::new)).build());
        return (System.nanoTime() - start) / 1e9;
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("kiln-bench-monitoring");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
