package dev.kiln.samples.report;

import dev.kiln.samples.OutputFailures;
import dev.kiln.samples.training.TrainingChart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The directory a training run writes into: {@code summary.json}, {@code history.csv} and the chart of the
 * training curves, {@code training.png}.
 */
public record RunOutput(Path directory) {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /** The default directory of a run started now: {@code runs/SAMPLE-yyyyMMdd-HHmmss}. */
    public static RunOutput timestamped(String sample, LocalDateTime now) {
        return new RunOutput(Path.of("runs", sample + "-" + STAMP.format(now)));
    }

    public Path summaryFile() {
        return directory.resolve("summary.json");
    }

    public Path historyFile() {
        return directory.resolve("history.csv");
    }

    public Path chartFile() {
        return directory.resolve("training.png");
    }

    /** Whether the directory holds a run's results already. */
    public boolean holdsRun() {
        return Files.exists(summaryFile()) || Files.exists(historyFile()) || Files.exists(chartFile());
    }

    /**
     * Writes the files, creating the directory when needed; a file that cannot be written goes to {@code failures}
     * and does not keep the others from being written.
     */
    public void write(RunSummary summary, OutputFailures failures) {
        failures.attempt(directory.toString(), () -> Files.createDirectories(directory));
        if (!Files.isDirectory(directory)) {
            return;
        }
        failures.attempt(summaryFile().toString(), () -> Files.writeString(summaryFile(),
                Json.write(NonFiniteNumbers.explained(summary.fields())), StandardCharsets.UTF_8));
        failures.attempt(historyFile().toString(), () -> Files.writeString(historyFile(),
                HistoryCsv.of(summary.result().history()), StandardCharsets.UTF_8));
        failures.attempt(chartFile().toString(), () -> TrainingChart.write(summary.result().history(),
                summary.result().plots(), chartFile()));
    }
}
