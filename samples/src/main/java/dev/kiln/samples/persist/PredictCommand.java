package dev.kiln.samples.persist;

import dev.kiln.backend.Backend;
import dev.kiln.backend.Backends;
import dev.kiln.backend.DType;
import dev.kiln.io.AtomicFiles;
import dev.kiln.io.Compilation;
import dev.kiln.io.LoadedModel;
import dev.kiln.samples.commandline.BackendOption;
import dev.kiln.samples.commandline.CommonOptions;
import dev.kiln.samples.commandline.DelimiterConverter;
import dev.kiln.samples.commandline.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kiln predict}: applies a saved model to the samples of a file and writes its outputs as CSV. */
@Command(name = "predict",
        description = "Applies a saved model to the samples of a CSV file (a header row, then the feature columns "
                + "in the model's input order) or an IDX file, and writes one CSV row of outputs per sample (a "
                + "regressor's in the target's own units).")
public final class PredictCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private CommonOptions common;

    @Mixin
    private SavedModelOption model;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Samples: CSV or IDX.")
    private Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "Where to write the CSV (default: standard output).")
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
        common.apply(output == null);
        try (Backend backend = Backends.select(backendOption.choice());
             LoadedModel loaded = model.load(backend, dtype)) {
            double[][] rows = ModelInputs.read(input, loaded.model().inputShape(), delimiter);
            Compilation compilation = loaded.description().compilation();
            double[][] outputs = loaded.predict(rows);
            String csv = compilation == null ? PredictionCsv.of(outputs, List.of())
                    : PredictionCsv.of(compilation.targetUnits(outputs), compilation.classes());
            if (output == null) {
                PrintWriter out = spec.commandLine().getOut();
                out.print(csv);
                out.flush();
            } else {
                byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
                AtomicFiles.write(output, out -> out.write(bytes));
            }
        }
        return ExitCodes.SUCCESS;
    }
}
