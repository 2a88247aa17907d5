package dev.kiln.samples.persist;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.io.AtomicFiles;
import dev.kiln.io.Compilation;
import dev.kiln.io.LoadedModel;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.loss.Reduction;
import dev.kiln.metric.Metric;
import dev.kiln.metric.Metrics;
import dev.kiln.optim.Sgd;
import dev.kiln.samples.commandline.BackendOption;
import dev.kiln.samples.commandline.CommonOptions;
import dev.kiln.samples.commandline.DelimiterConverter;
import dev.kiln.samples.commandline.ExitCodes;
import dev.kiln.samples.csv.RegressionScores;
import dev.kiln.samples.data.DataFetcher;
import dev.kiln.samples.data.DataSetSpec;
import dev.kiln.samples.data.DirectorySource;
import dev.kiln.samples.report.Json;
import dev.kiln.samples.report.NonFiniteNumbers;
import dev.kiln.train.Evaluation;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln evaluate}: the loss and metrics of a saved model on labelled data, printed and written as JSON. */
@Command(name = "evaluate",
        description = "Computes the loss and metrics of a saved model on labelled samples (CSV: the feature "
                + "columns in the model's input order and a label column; IDX samples with --labels; or the test "
                + "split of a data set by name: mnist, fashion-mnist), prints them and writes them as JSON.")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Mixin
    private SavedModelOption model;

    @Option(names = "--data", required = true, paramLabel = "NAME_OR_FILE",
            description = "Labelled samples: a CSV or IDX file, or a data set's test split (mnist, fashion-mnist).")
    private String data;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory of named data sets (default: the kiln.data setting / KILN_DATA, else "
                    + "~/.kiln/data).")
    private Path dataDirectory;

    @Option(names = "--labels", paramLabel = "FILE", description = "IDX labels of IDX samples.")
    private Path labels;

    @Option(names = "--label", paramLabel = "COLUMN", description = "CSV label column (default: the last one).")
    private String labelColumn;

    @Option(names = "--loss", paramLabel = "NAME", converter = LossNameConverter.class,
            description = "Loss (default: the one the model was trained with).")
    private String lossName;

    @Option(names = "--metrics", split = ",", paramLabel = "NAME", converter = MetricNameConverter.class,
            description = "Metrics (default: those the model was trained with).")
    private List<String> metricNames;

    @Option(names = "--output", defaultValue = "evaluation.json", paramLabel = "FILE",
            description = "Where to write the metrics as JSON (default: ${DEFAULT-VALUE}).")
    private Path output;

    @Mixin
    private BackendOption backendOption;

    @Option(names = "--dtype", paramLabel = "f32|f64", converter = DTypeConverter.class,
            description = "Compute in this dtype (default: the one the model was saved in).")
    private DType dtype;

    @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",", converter = DelimiterConverter.class,
            description = "The character between the fields of a CSV file: one character, or tab (default: ,).")
    private char delimiter;

    @Override
    public Integer call() {
        common.apply(false);
        String backendChoice = backendOption.choice();
        SampleFiles files = sampleFiles();
        try (Backend backend = Backends.select(backendChoice);
             LoadedModel loaded = model.load(backend, dtype)) {
            Compilation saved = loaded.description().compilation();
            Loss loss = loss(saved);
            List<String> names = metricNames != null ? metricNames : saved != null ? saved.metrics() : List.of();
            Metric[] metrics = names.stream().map(n -> Metrics.byName(n, loss)).toArray(Metric[]::new);
            EvaluationData samples = EvaluationData.read(files.samples(), files.labels(), labelColumn, delimiter,
                    loaded, loss);
            loaded.model().compile(loss, new Sgd(0), metrics);
            Evaluation evaluation = loaded.model().evaluate(samples.samples());
            if (saved != null && saved.target() != null) {
                evaluation = withTargetUnitScores(evaluation, loaded, saved, samples);
            }
            report(evaluation, loss);
        }
        return ExitCodes.SUCCESS;
    }

    /** The samples file and labels file ({@code null}: in the samples file) to evaluate on. */
    private record SampleFiles(Path samples, Path labels) {
    }

    /** The file {@code --data} names with {@code --labels}, or the test split of the data set it names. */
    private SampleFiles sampleFiles() {
        Path file = Path.of(data);
        if (Files.isRegularFile(file)) {
            return new SampleFiles(file, labels);
        }
        DataSetSpec set = DataSetSpec.named(data).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--data '" + data + "' is neither a file nor a known data set; expected a CSV or IDX file or one of "
                        + DataSetSpec.knownNames()));
        if (labels != null || labelColumn != null) {
            throw new ParameterException(spec.commandLine(), "--labels and --label are for files; the data set '"
                    + data + "' brings its own labels");
        }
        DataSetSpec.ImageSet test = set.test();
        Path directory = DataFetcher.standard(set).ensure(set, List.of(test.images(), test.labels()),
                DataFetcher.dataRoot(dataDirectory));
        return new SampleFiles(DirectorySource.find(directory, test.images().name()),
                DirectorySource.find(directory, test.labels().name()));
    }

    /** {@code evaluation} with the mean squared error and R^2 of the outputs read in the target's own units. */
    private static Evaluation withTargetUnitScores(Evaluation evaluation, LoadedModel loaded, Compilation saved,
                                                   EvaluationData samples) {
        double[][] outputs = saved.targetUnits(loaded.model().predict(samples.inputs()));
        RegressionScores scores = RegressionScores.of(Arrays.stream(outputs).mapToDouble(r -> r[0]).toArray(),
                samples.targets());
        Map<String, Double> metrics = new LinkedHashMap<>(evaluation.metrics());
        metrics.put("mse", scores.mse());
        metrics.put("r2", scores.r2());
        return new Evaluation(evaluation.loss(), metrics, evaluation.samples());
    }

    /**
     * The loss as the model was compiled ({@code from_logits} and reduction included), or the one {@code --loss}
     * names, reading the outputs as logits when the model was trained on logits.
     */
    private Loss loss(Compilation saved) {
        if (lossName != null) {
            return Losses.byName(lossName, saved != null && saved.fromLogits(), Reduction.MEAN);
        }
        if (saved == null) {
            throw new KilnException(model.directory() + " does not record the loss it was trained with: give --loss"
                    + " NAME");
        }
        return saved.newLoss();
    }

    private void report(Evaluation evaluation, Loss loss) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("model", model.directory().toString());
        values.put("data", data);
        values.put("samples", evaluation.samples());
        values.put("loss_function", loss.name());
        values.put("loss", evaluation.loss());
        values.putAll(evaluation.metrics());
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%d samples%n", evaluation.samples());
        out.printf(Locale.ROOT, "%-24s %.6g%n", "loss (" + loss.name() + ")", evaluation.loss());
        evaluation.metrics().forEach((name, value) -> out.printf(Locale.ROOT, "%-24s %.6g%n", name, value));
        byte[] json = Json.write(NonFiniteNumbers.explained(values)).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(output, o -> o.write(json));
        out.println("metrics written to " + output);
        out.flush();
    }
}
