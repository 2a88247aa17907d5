package dev.kiln.samples.persist;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.data.Dataset;
import dev.kiln.io.AtomicFiles;
import dev.kiln.io.Compilation;
import dev.kiln.io.LoadedModel;
import dev.kiln.io.SavedModel;
import dev.kiln.loss.Loss;
import dev.kiln.loss.Losses;
import dev.kiln.metric.Metric;
import dev.kiln.metric.Metrics;
import dev.kiln.optim.Sgd;
import dev.kiln.samples.cli.CommonOptions;
import dev.kiln.samples.cli.ExitCodes;
import dev.kiln.samples.report.Json;
import dev.kiln.train.Evaluation;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kiln evaluate}: the loss and metrics of a saved model on labelled data, printed and written as JSON. */
@Command(name = "evaluate",
        description = "Computes the loss and metrics of a saved model on labelled samples (CSV: the feature "
                + "columns in the model's input order and a label column; or IDX samples with --labels), prints "
                + "them and writes them as JSON.")
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Directory of a saved model.")
    private Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled samples: CSV or IDX.")
    private Path data;

    @Option(names = "--labels", paramLabel = "FILE", description = "IDX labels of IDX samples.")
    private Path labels;

    @Option(names = "--label", paramLabel = "COLUMN", description = "CSV label column (default: the last one).")
    private String labelColumn;

    @Option(names = "--loss", paramLabel = "NAME", description = "Loss (default: the one the model was trained with).")
    private String lossName;

    @Option(names = "--metrics", split = ",", paramLabel = "NAME",
            description = "Metrics (default: those the model was trained with).")
    private List<String> metricNames;

    @Option(names = "--output", defaultValue = "evaluation.json", paramLabel = "FILE",
            description = "Where to write the metrics as JSON (default: ${DEFAULT-VALUE}).")
    private Path output;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "NAME",
            description = "auto, cpu or opencl (default: ${DEFAULT-VALUE}).")
    private String backendName;

    @Option(names = "--dtype", paramLabel = "f32|f64", converter = DTypeConverter.class,
            description = "Compute in this dtype (default: the one the model was saved in).")
    private DType dtype;

    @Override
    public Integer call() {
        common.apply(false);
        try (Backend backend = Backends.select(backendName);
             LoadedModel loaded = SavedModel.load(model, backend, dtype)) {
            Compilation saved = loaded.description().compilation();
            Loss loss = Losses.byName(lossName != null ? lossName : savedLoss(saved));
            List<String> names = metricNames != null ? metricNames : saved != null ? saved.metrics() : List.of();
            Metric[] metrics = names.stream().map(n -> Metrics.byName(n, loss)).toArray(Metric[]::new);
            Dataset samples = EvaluationData.read(data, labels, labelColumn, loaded, loss);
            loaded.model().compile(loss, new Sgd(0), metrics);
            Evaluation evaluation = loaded.model().evaluate(samples);
            report(evaluation, loss);
        }
        return ExitCodes.SUCCESS;
    }

    private String savedLoss(Compilation saved) {
        if (saved == null) {
            throw new KilnException(model + " does not record the loss it was trained with: give --loss NAME");
        }
        return saved.loss();
    }

    private void report(Evaluation evaluation, Loss loss) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("model", model.toString());
        values.put("data", data.toString());
        values.put("samples", evaluation.samples());
        values.put(loss.name(), evaluation.loss());
        values.putAll(evaluation.metrics());
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%d samples%n", evaluation.samples());
        out.printf(Locale.ROOT, "%-24s %.6g%n", "loss (" + loss.name() + ")", evaluation.loss());
        evaluation.metrics().forEach((name, value) -> out.printf(Locale.ROOT, "%-24s %.6g%n", name, value));
        byte[] json = Json.write(values).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(output, o -> o.write(json));
        out.println("metrics written to " + output);
        out.flush();
    }
}
