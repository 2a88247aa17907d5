package dev.kiln.samples.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.DoubleStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistogramChartTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    @Test
    void bothHistogramsAreDrawnInAPngOfTheChartSize() throws IOException {
        Random random = new Random(3);
        // a mixture of two Gaussians at -2 and 2, and a generator that found only the right one
        double[] target = DoubleStream.generate(() -> (random.nextBoolean() ? 2 : -2) + 0.5 * random.nextGaussian())
                .limit(5_000).toArray();
        double[] generated = DoubleStream.generate(() -> 2 + 0.6 * random.nextGaussian()).limit(2_000).toArray();
        Path png = dir.resolve("histogram.png");

        HistogramChart.write("epoch 10", target, generated, 60, png);

        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(Files.readAllBytes(png), PNG_SIGNATURE.length));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(HistogramChart.WIDTH, image.getWidth());
        assertEquals(HistogramChart.HEIGHT, image.getHeight());
        assertTrue(count(image, true) > 2_000, "the target histogram (blue) is drawn");
        assertTrue(count(image, false) > 2_000, "the generated histogram (orange) is drawn");
    }

    @Test
    void aSingleRepeatedValueStillDraws() throws IOException {
        Path png = dir.resolve("constant.png");
        HistogramChart.write("collapsed", new double[] {1, 1, 1}, new double[] {1}, 10, png);
        assertEquals(HistogramChart.WIDTH, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void emptyOrNonFiniteSamplesAreRefusedWithoutAFile() {
        Path png = dir.resolve("bad.png");
        KilnException empty = assertThrows(KilnException.class,
                () -> HistogramChart.write("t", new double[0], new double[] {1}, 10, png));
        assertTrue(empty.getMessage().contains("target sample is empty"), empty.getMessage());
        KilnException nan = assertThrows(KilnException.class,
                () -> HistogramChart.write("t", new double[] {1}, new double[] {0, Double.NaN}, 10, png));
        assertTrue(nan.getMessage().contains("value 1 of the generated sample is NaN"), nan.getMessage());
        KilnException infinite = assertThrows(KilnException.class,
                () -> HistogramChart.write("t", new double[] {Double.NEGATIVE_INFINITY}, new double[] {1}, 10, png));
        assertTrue(infinite.getMessage().contains("target sample is -Infinity"), infinite.getMessage());
        assertThrows(KilnException.class, () -> HistogramChart.write("t", new double[] {1}, new double[] {1}, 0, png));
        assertFalse(Files.exists(png));
    }

    /** Pixels in the blue of the target histogram, or in the orange of the generated one (lines or fills). */
    private static int count(BufferedImage image, boolean blue) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int b = rgb & 0xFF;
                if (blue ? b - r > 60 : r - b > 60) {
                    count++;
                }
            }
        }
        return count;
    }
}
