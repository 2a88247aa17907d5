package dev.kiln.samples.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingChartTest {
    @TempDir
    Path dir;

    @Test
    void onePanelPerQuantityWithValidationDrawnInside() throws IOException {
        Map<String, double[]> history = new LinkedHashMap<>();
        history.put("loss", new double[] {0.9, 0.5, 0.3});
        history.put("accuracy", new double[] {0.7, 0.85, 0.9});
        history.put("val_loss", new double[] {1.0, 0.6, 0.4});
        history.put("val_accuracy", new double[] {0.65, 0.8, 0.88});
        Path png = dir.resolve("training.png");

        TrainingChart.write(history, List.of(), png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(2 * 640, image.getWidth());
        assertEquals(420, image.getHeight());
        assertTrue(coloured(image) > 500, "the curves and axes are drawn");
    }

    @Test
    void aSamplesOwnPlotsFollowTheCurves() throws IOException {
        Map<String, double[]> history = Map.of("loss", new double[] {0.9, 0.5});
        SeriesPlot forecast = new SeriesPlot("forecast", "time step", Map.of("series", new double[] {0, 1, 0, -1},
                "forecast", new double[] {0.1, 0.9, 0.1, -0.8}));
        Path png = dir.resolve("training.png");

        TrainingChart.write(history, List.of(forecast), png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(2 * 640, image.getWidth());
        assertTrue(coloured(image.getSubimage(640, 0, 640, 420)) > 500, "the forecast panel is drawn");
        assertThrows(KilnException.class, () -> new SeriesPlot("x", "t", Map.of("a", new double[2],
                "b", new double[3])));
    }

    @Test
    void emptyHistoryIsAnError() {
        assertThrows(KilnException.class, () -> TrainingChart.write(Map.of(), List.of(), dir.resolve("x.png")));
    }

    private static int coloured(BufferedImage image) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    count++;
                }
            }
        }
        return count;
    }
}
