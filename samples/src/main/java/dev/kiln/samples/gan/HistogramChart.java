package dev.kiln.samples.gan;

import dev.kiln.KilnException;
import java.awt.Color;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.stream.DoubleStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A 1-D generator's samples against the target distribution's as one PNG: two overlaid histograms on the same
 * bins, as densities (count / (n * bin width)), so that samples of different sizes compare. Rendered off-screen.
 */
public final class HistogramChart {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;
    private static final Color TARGET = new Color(0, 114, 178);
    private static final Color GENERATED = new Color(230, 159, 0);
    /** Fill opacity, so that each histogram shows through the other. */
    private static final int FILL_ALPHA = 90;

    private HistogramChart() {
    }

    /**
     * Writes the histograms of {@code target} and {@code generated} over {@code bins} equal bins spanning both
     * samples to {@code png}, titled {@code title}.
     */
    public static void write(String title, double[] target, double[] generated, int bins, Path png) {
        check(target, "target");
        check(generated, "generated");
        if (bins < 1) {
            throw new KilnException("a histogram of " + bins + " bins cannot be drawn; expected at least 1 bin");
        }
        DoubleSummaryStatistics span = DoubleStream.concat(Arrays.stream(target), Arrays.stream(generated))
                .summaryStatistics();
        double low = span.getMin();
        double high = span.getMax();
        if (low == high) {
            // one value everywhere: give its bin a width to draw
            low -= 0.5;
            high += 0.5;
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("value").yAxisTitle("density").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0.##");
        chart.getStyler().setYAxisDecimalPattern("0.0##");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        addHistogram(chart, "target", target, low, high, bins, TARGET);
        addHistogram(chart, "generated", generated, low, high, bins, GENERATED);
        PngFile.write(BitmapEncoder.getBufferedImage(chart), png);
    }

    /** The histogram's outline as a staircase from the axis up and over each bin and back down, filled beneath. */
    private static void addHistogram(XYChart chart, String name, double[] values, double low, double high, int bins,
                                     Color color) {
        double width = (high - low) / bins;
        double[] density = new double[bins];
        for (double v : values) {
            density[Math.min(bins - 1, (int) ((v - low) / width))] += 1 / (values.length * width);
        }
        double[] x = new double[2 * bins + 2];
        double[] y = new double[2 * bins + 2];
        x[0] = low;
        for (int b = 0; b < bins; b++) {
            x[2 * b + 1] = low + b * width;
            x[2 * b + 2] = b == bins - 1 ? high : low + (b + 1) * width;
            y[2 * b + 1] = density[b];
            y[2 * b + 2] = density[b];
        }
        x[2 * bins + 1] = high;
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(color);
        series.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), FILL_ALPHA));
    }

    private static void check(double[] values, String which) {
        if (values.length == 0) {
            throw new KilnException("the " + which + " sample is empty; a histogram needs at least one value");
        }
        for (int k = 0; k < values.length; k++) {
            if (!Double.isFinite(values[k])) {
                throw new KilnException("value " + k + " of the " + which + " sample is " + values[k]
                        + "; a histogram needs finite values");
            }
        }
    }
}
