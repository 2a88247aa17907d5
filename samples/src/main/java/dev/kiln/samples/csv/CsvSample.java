package dev.kiln.samples.csv;

import dev.kiln.KilnException;
import dev.kiln.backend.Backend;
import dev.kiln.samples.Sample;
import dev.kiln.samples.SampleResult;
import dev.kiln.samples.TrainingSettings;
import dev.kiln.samples.commandline.DelimiterConverter;
import dev.kiln.samples.training.ProgressBar;
import dev.kiln.train.Callback;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * A baseline MLP for the user's own table: {@code kiln train csv --file F --label COLUMN [--task classify|regress]
 * [--hidden 64,32] [--test-fraction 0.2] [--delimiter CHAR]}.
 */
public final class CsvSample implements Sample {
    private final CsvOptions options;

    public CsvSample() {
        this(null);
    }

    private CsvSample(CsvOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public String description() {
        return "MLP baseline on your own CSV: --file F --label COLUMN [--task classify|regress] [--hidden 64,32]"
                + " [--test-fraction 0.2] [--delimiter CHAR]; standardised features, early stopping, test accuracy or"
                + " MSE and R^2";
    }

    @Override
    public TrainingSettings defaults() {
        return new TrainingSettings(200, 32, 1e-3, 42, null);
    }

    @Override
    public Object newOptions() {
        return new Arguments();
    }

    @Override
    public Sample withOptions(Object options) {
        Arguments parsed = (Arguments) options;
        return new CsvSample(new CsvOptions(parsed.file, parsed.label, parsed.task, parsed.hidden,
                parsed.testFraction, parsed.validationFraction, parsed.patience, parsed.delimiter));
    }

    @Override
    public Map<String, String> options() {
        if (options == null) {
            return Map.of();
        }
        Map<String, String> named = new LinkedHashMap<>();
        named.put("--file", options.file().toAbsolutePath().normalize().toString());
        named.put("--label", options.label());
        named.put("--task", options.task().name().toLowerCase(Locale.ROOT));
        named.put("--hidden", options.hidden().stream().map(String::valueOf).collect(Collectors.joining(",")));
        named.put("--test-fraction", String.valueOf(options.testFraction()));
        named.put("--validation-fraction", String.valueOf(options.validationFraction()));
        named.put("--patience", String.valueOf(options.patience()));
        return named;
    }

    @Override
    public SampleResult train(Backend backend, TrainingSettings settings) {
        if (options == null) {
            throw new KilnException("the csv sample needs --file F and --label COLUMN");
        }
        PreparedTable prepared = CsvTrainer.prepare(options, settings.seed());
        List<Callback> callbacks = ProgressBar.isTerminal()
                ? List.of(new ProgressBar(System.out, prepared.train().size())) : List.of();
        CsvTrainer.Result result = CsvTrainer.train(backend, options, prepared, settings.epochs(),
                settings.batchSize(), settings.learningRate(), settings.seed(), callbacks, settings.storage());
        Map<String, Object> measures = prepared.warnings().isEmpty() ? Map.of()
                : Map.of("warnings", prepared.warnings());
        return new SampleResult(result.history(), result.parameters(), result.test(), Map.of(), measures, List.of());
    }

    /** The csv sample's own options. */
    static final class Arguments {
        @Option(names = "--file", required = true, paramLabel = "F", description = "The CSV file (header row).")
        Path file;

        @Option(names = "--label", required = true, paramLabel = "COLUMN",
                description = "Label column, by name or 0-based index.")
        String label;

        @Option(names = "--task", paramLabel = "classify|regress", defaultValue = "classify",
                converter = TaskConverter.class, description = "Classes or values (default: classify).")
        CsvTask task;

        @Option(names = "--hidden", split = ",", paramLabel = "N", defaultValue = "64,32",
                description = "Hidden layer sizes (default: 64,32).")
        List<Integer> hidden;

        @Option(names = "--test-fraction", paramLabel = "X", defaultValue = "0.2",
                description = "Fraction of rows held out for the test (default: 0.2).")
        double testFraction;

        @Option(names = "--validation-fraction", paramLabel = "X", defaultValue = "0.15",
                description = "Fraction of rows used for early stopping (default: 0.15).")
        double validationFraction;

        @Option(names = "--patience", paramLabel = "N", defaultValue = "10",
                description = "Epochs without a better validation loss before stopping (default: 10).")
        int patience;

        @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",", converter = DelimiterConverter.class,
                description = "The character between fields: one character, or tab (default: ,).")
        char delimiter;
    }

    /** "classify" or "regress", any case. */
    static final class TaskConverter implements CommandLine.ITypeConverter<CsvTask> {
        @Override
        public CsvTask convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "classify", "classification" -> CsvTask.CLASSIFY;
                case "regress", "regression" -> CsvTask.REGRESS;
                default -> throw new CommandLine.TypeConversionException("'" + value
                        + "' is not a task, expected classify or regress");
            };
        }
    }
}
