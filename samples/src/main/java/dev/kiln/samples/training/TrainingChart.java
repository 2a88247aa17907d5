package dev.kiln.samples.training;

import dev.kiln.KilnException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import dev.kiln.train.History;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training curves as one PNG: a panel per quantity ("loss", "accuracy", ...), each with its training series and,
 * when present, its validation series ("val_" + name), per epoch. Rendered off-screen (headless).
 */
public final class TrainingChart {
    private static final int PANEL_WIDTH = 640;
    private static final int PANEL_HEIGHT = 420;
    /** Beyond this many epochs the points are too dense for markers. */
    private static final int MARKED_EPOCHS = 50;

    private TrainingChart() {
    }

    /**
     * Writes the chart of every quantity {@code history} recorded, followed by the sample's own {@code plots};
     * nothing when no epoch completed.
     */
    public static void write(History history, List<SeriesPlot> plots, Path png) {
        if (history.epochs().isEmpty()) {
            return;
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        history.epochs().get(0).values().keySet().forEach(key -> series.put(key, history.series(key)));
        write(series, plots, png);
    }

    /**
     * Writes the chart of {@code history} (series by history key, one value per epoch) and then of {@code plots} to
     * {@code png}; keys starting with "val_" are drawn in the panel of the key without the prefix.
     */
    public static void write(Map<String, double[]> history, List<SeriesPlot> plots, Path png) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        List<XYChart> panels = new ArrayList<>();
        history.forEach((key, values) -> {
            if (!key.startsWith("val_")) {
                panels.add(panel(key, values, history.get("val_" + key)));
            }
        });
        if (panels.isEmpty()) {
            throw new KilnException("no training series to chart, expected at least \"loss\"");
        }
        plots.forEach(plot -> panels.add(panel(plot)));
        BufferedImage image = new BufferedImage(PANEL_WIDTH * panels.size(), PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int i = 0; i < panels.size(); i++) {
            g.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), i * PANEL_WIDTH, 0, null);
        }
        g.dispose();
        try {
            ImageIO.write(image, "png", png.toFile());
        } catch (IOException e) {
            throw new KilnException("cannot write the training chart " + png + " (" + e.getMessage() + ")", e);
        }
    }

    private static XYChart panel(String key, double[] train, double[] validation) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(key)
                .xAxisTitle("epoch").yAxisTitle(key).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setYAxisDecimalPattern("0.0###");
        boolean markers = train.length <= MARKED_EPOCHS;
        chart.addSeries("train", epochs(train.length), train)
                .setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        if (validation != null) {
            chart.addSeries("validation", epochs(validation.length), validation)
                    .setMarker(markers ? SeriesMarkers.DIAMOND : SeriesMarkers.NONE);
        }
        return chart;
    }

    private static XYChart panel(SeriesPlot plot) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(plot.title())
                .xAxisTitle(plot.xAxis()).yAxisTitle("value").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0");
        plot.series().forEach((name, values) -> chart.addSeries(name,
                IntStream.range(0, values.length).asDoubleStream().toArray(), values).setMarker(SeriesMarkers.NONE));
        return chart;
    }

    private static double[] epochs(int count) {
        return IntStream.rangeClosed(1, count).asDoubleStream().toArray();
    }
}
