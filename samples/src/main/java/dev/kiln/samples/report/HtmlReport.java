package dev.kiln.samples.report;

import dev.kiln.KilnException;
import dev.kiln.monitor.TrainingRecorder;
import dev.kiln.train.EpochResult;
import dev.kiln.train.History;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code report.html}: one page that opens from disk with no network access and draws the run's training curves,
 * each weight's and gradient's histograms over epochs, the model summaries and the run's settings, backend, device
 * and timing. The charting library (uPlot) and the data are inlined into the page.
 */
public final class HtmlReport {
    private static final int GRID_CELLS = 60;
    private static final int EPOCHS_PER_HISTOGRAM = 8;
    private static final String GRADIENT = "_gradient";

    private HtmlReport() {
    }

    /** The page for {@code summary}, with what {@code recorder} kept during training. */
    public static String of(RunSummary summary, TrainingRecorder recorder) {
        // a "<" only occurs inside JSON strings, where its escape keeps "</script>" from ending the element early
        String data = Json.write(data(summary, recorder)).replace("<", "\\u003c");
        return resource("report.html")
                .replace("{{title}}", escape(summary.sample()))
                .replace("{{uplot_css}}", uplot("uPlot.min.css"))
                .replace("{{uplot_js}}", uplot("uPlot.iife.min.js"))
                .replace("{{report_js}}", resource("report.js"))
                .replace("{{data}}", data);
    }

    /** What the page's script draws, as it reads it. */
    static Map<String, Object> data(RunSummary summary, TrainingRecorder recorder) {
        History history = summary.result().history();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("subtitle", "trained on " + summary.backend() + " (" + summary.device() + ")");
        data.put("epochs", history.epochs().stream().map(EpochResult::epoch).toList());
        data.put("measures", measures(history));
        data.put("seconds", history.epochs().stream().map(EpochResult::seconds).toList());
        data.put("models", recorder.summaries());
        data.put("histograms", histograms(recorder.histograms()));
        Map<String, String> run = new LinkedHashMap<>();
        summary.fields().forEach((name, value) -> run.put(name, RunSummary.shown(value)));
        summary.settings().storage().settings().values().forEach(run::putIfAbsent);
        data.put("run", run);
        return data;
    }

    /** Each weight's histograms, followed by its gradient's. */
    private static Map<String, Object> histograms(Map<String, List<TrainingRecorder.EpochHistogram>> byTag) {
        Map<String, Object> grids = new LinkedHashMap<>();
        for (String tag : byTag.keySet()) {
            String gradient = tag + GRADIENT;
            if (!tag.endsWith(GRADIENT) || !byTag.containsKey(tag.substring(0, tag.length() - GRADIENT.length()))) {
                grids.put(tag, HistogramGrid.of(byTag.get(tag), GRID_CELLS, EPOCHS_PER_HISTOGRAM));
            }
            if (byTag.containsKey(gradient)) {
                grids.put(gradient, HistogramGrid.of(byTag.get(gradient), GRID_CELLS, EPOCHS_PER_HISTOGRAM));
            }
        }
        return grids;
    }

    /** Each quantity of the history over the epochs (null where an epoch lacks it), and the learning rate. */
    private static Map<String, List<Double>> measures(History history) {
        Map<String, List<Double>> measures = new LinkedHashMap<>();
        List<EpochResult> epochs = history.epochs();
        for (int i = 0; i < epochs.size(); i++) {
            for (Map.Entry<String, Double> value : epochs.get(i).values().entrySet()) {
                List<Double> series = measures.computeIfAbsent(value.getKey(), k -> new ArrayList<>());
                while (series.size() < i) {
                    series.add(null);
                }
                series.add(value.getValue());
            }
        }
        if (epochs.stream().anyMatch(e -> Double.isFinite(e.learningRate()))) {
            measures.put("learning_rate", epochs.stream().map(EpochResult::learningRate).toList());
        }
        return measures;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String resource(String name) {
        return read(HtmlReport.class.getResourceAsStream(name), name);
    }

    /** A file of the uPlot web jar, found through the version its Maven metadata names. */
    private static String uplot(String file) {
        Properties metadata = new Properties();
        String properties = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";
        try (InputStream in = HtmlReport.class.getResourceAsStream(properties)) {
            if (in == null) {
                throw new KilnException("the uPlot web jar is not on the class path (" + properties + " missing)");
            }
            metadata.load(in);
        } catch (IOException e) {
            throw new KilnException("cannot read " + properties + ": " + e, e);
        }
        String path = "/META-INF/resources/webjars/uplot/" + metadata.getProperty("version") + "/dist/" + file;
        return read(HtmlReport.class.getResourceAsStream(path), path);
    }

    private static String read(InputStream in, String name) {
        if (in == null) {
            throw new KilnException("resource " + name + " is missing from the class path");
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KilnException("cannot read resource " + name + ": " + e, e);
        }
    }
}
