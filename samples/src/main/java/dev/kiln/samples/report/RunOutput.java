package dev.kiln.samples.report;

import dev.kiln.KilnException;
import dev.kiln.samples.training.TrainingChart;
import java.io.IOException;
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

    /** Writes the files, creating the directory when needed. */
    public void write(RunSummary summary) {
        try {
            Files.createDirectories(directory);
            Files.writeString(summaryFile(), Json.write(NonFiniteNumbers.explained(summary.fields())),
                    StandardCharsets.UTF_8);
            Files.writeString(historyFile(), HistoryCsv.of(summary.result().history()), StandardCharsets.UTF_8);
            TrainingChart.write(summary.result().history(), summary.result().plots(), chartFile());
        } catch (IOException e) {
            throw new KilnException("could not write the run's results into " + directory + ": " + e, e);
        }
    }
}
