package dev.kiln.samples.report;

import dev.kiln.monitor.TrainingRecorder;
import dev.kiln.samples.OutputFailures;
import dev.kiln.samples.training.TrainingChart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The directory a training run writes into: {@code summary.json}, {@code history.csv}, the chart of the
 * training curves, {@code training.png}, and the page showing all of it with the weights' histograms,
 * {@code report.html}.
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

    public Path reportFile() {
        return directory.resolve("report.html");
    }

    /** Whether the directory holds a run's results already. */
    public boolean holdsRun() {
        return Files.exists(summaryFile()) || Files.exists(historyFile()) || Files.exists(chartFile())
                || Files.exists(reportFile());
    }

    /**
     * Writes the files, creating the directory when needed; a file that cannot be written goes to {@code failures}
     * and does not keep the others from being written.
     */
    public void write(RunSummary summary, TrainingRecorder recorder, OutputFailures failures) {
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
        failures.attempt(reportFile().toString(), () -> Files.writeString(reportFile(),
                HtmlReport.of(summary, recorder), StandardCharsets.UTF_8));
    }
}
