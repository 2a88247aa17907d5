package dev.kiln.samples.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.samples.cli.CommandRun;
import dev.kiln.samples.commandline.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report.html} opened from disk in a real headless browser, with no network. */
class HtmlReportTest {
    private static final Pattern CHART = Pattern.compile("<div class=\"chart\"([^>]*)>");
    private static final Pattern ATTRIBUTE = Pattern.compile("data-([a-z]+)=\"([^\"]*)\"");
    private static final Pattern DATA = Pattern.compile(
            "<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void aFitSamplesReportDrawsEveryCurveAndHistogramWithoutAScriptError() throws IOException {
        Path report = train("xor");
        JsonNode data = data(report);
        assertEquals(List.of("loss", "accuracy", "learning_rate"), names(data.get("measures")));
        // two dense layers: kernel and bias, each with its gradient
        assertEquals(8, data.get("histograms").size());
        assertEquals(1, data.get("models").size());
        assertTrue(data.get("run").get("backend").asText().equals("cpu"), data.get("run").toString());

        List<Map<String, String>> charts = render(report);
        // one chart per measure and one of the seconds per epoch, then one per histogram
        assertEquals(3 + 1 + 8, charts.size(), charts.toString());
        assertEquals(List.of("dense_1/kernel", "dense_1/kernel_gradient"),
                List.of(charts.get(4).get("title"), charts.get(5).get("title")), "each weight, then its gradient");
    }

    @Test
    void aGanSamplesReportDrawsBothModels() throws IOException {
        Path report = train("gan-1d");
        JsonNode data = data(report);
        assertEquals(List.of("discriminator", "generator"), names(data.get("models")).stream().sorted().toList());
        assertTrue(names(data.get("histograms")).stream().anyMatch(t -> t.startsWith("generator/")));
        assertTrue(names(data.get("histograms")).stream().anyMatch(t -> t.startsWith("discriminator/")));
        List<Map<String, String>> charts = render(report);
        assertEquals(data.get("measures").size() + 1 + data.get("histograms").size(), charts.size());
    }

    private Path train(String sample) {
        Path out = dir.resolve(sample);
        CommandRun run = CommandRun.of("train", sample, "--backend", "cpu", "--epochs", "2", "--out",
                out.toString());
        assertEquals(ExitCodes.SUCCESS, run.exitCode(), run.err());
        return out.resolve("report.html");
    }

    /** The attributes of every chart once the browser has run the page, each chart checked as drawn. */
    private static List<Map<String, String>> render(Path report) throws IOException {
        ExternalProgram.require(ExternalProgram.run("chromium", "--version"), "a headless browser (chromium)");
        String page = Files.readString(report);
        assertFalse(Pattern.compile("(src|href)=\"?(https?:)?//").matcher(page).find(),
                "the report loads nothing from the network");
        ExternalProgram browser = ExternalProgram.run("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + report.resolveSibling("browser-profile"), "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=10000", "--dump-dom", report.toUri().toString());
        assertEquals(0, browser.exitCode(), browser.err());
        String dom = browser.out();
        assertTrue(dom.contains("<body data-errors=\"0\">"), "script errors on the page: " + errorBox(dom));
        assertFalse(browser.err().contains("Uncaught"), browser.err());
        List<Map<String, String>> charts = new ArrayList<>();
        Matcher chart = CHART.matcher(dom);
        while (chart.find()) {
            Map<String, String> attributes = new TreeMap<>();
            Matcher attribute = ATTRIBUTE.matcher(chart.group(1));
            while (attribute.find()) {
                attributes.put(attribute.group(1), attribute.group(2));
            }
            assertTrue(Integer.parseInt(attributes.getOrDefault("points", "0")) > 0, "no data: " + attributes);
            assertTrue(Integer.parseInt(attributes.getOrDefault("painted", "0")) > 1000, "not drawn: " + attributes);
            charts.add(attributes);
        }
        return charts;
    }

    private static String errorBox(String dom) {
        int at = dom.indexOf("id=\"errors\"");
        return at < 0 ? "(no error box)" : dom.substring(at, Math.min(dom.length(), at + 400));
    }

    private static JsonNode data(Path report) throws IOException {
        Matcher data = DATA.matcher(Files.readString(report));
        assertTrue(data.find(), "the report embeds its data");
        return new ObjectMapper().readTree(data.group(1));
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
