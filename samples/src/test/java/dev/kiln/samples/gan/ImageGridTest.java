package dev.kiln.samples.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.KilnException;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {
    @TempDir
    Path dir;

    @Test
    void sixtyFourDigitsMakeAnEightByEightGridWithGaps() throws IOException {
        float[] pixels = new float[64 * 28 * 28];
        for (int i = 0; i < 64; i++) {
            // each image one flat gray from -1 (image 0) to 1 (image 63)
            Arrays.fill(pixels, i * 784, (i + 1) * 784, -1 + 2 * i / 63f);
        }
        Path png = dir.resolve("digits.png");

        ImageGrid.write(GrayImages.of(pixels, 64, 28, 28, PixelRange.TANH), png);

        Raster raster = read(png);
        assertEquals(8 * 28 + 9 * ImageGrid.GAP, raster.getWidth());
        assertEquals(8 * 28 + 9 * ImageGrid.GAP, raster.getHeight());
        for (int i : new int[] {0, 9, 31, 63}) {
            int left = ImageGrid.GAP + i % 8 * (28 + ImageGrid.GAP);
            int top = ImageGrid.GAP + i / 8 * (28 + ImageGrid.GAP);
            int expected = (int) Math.round(255 * i / 63.0);
            assertEquals(expected, raster.getSample(left, top, 0), "top left of image " + i);
            assertEquals(expected, raster.getSample(left + 27, top + 27, 0), "bottom right of image " + i);
            assertEquals(ImageGrid.GAP_GRAY, raster.getSample(left - 1, top, 0), "gap left of image " + i);
            assertEquals(ImageGrid.GAP_GRAY, raster.getSample(left + 28, top + 27, 0), "gap right of image " + i);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left next to the grid");
        }
    }

    @Test
    void everyPixelLandsInItsCellScaledAndClampedToTheRange() throws IOException {
        int count = 5;
        int height = 3;
        int width = 4;
        int scale = 3;
        SplittableRandom random = new SplittableRandom(7);
        double[] pixels = random.doubles(count * height * width, -1.5, 1.5).toArray();
        GrayImages images = new GrayImages(pixels, count, height, width, PixelRange.TANH);
        Path png = dir.resolve("grid.png");

        ImageGrid.write(images, 2, scale, png);

        Raster raster = read(png);
        int cellWidth = width * scale;
        int cellHeight = height * scale;
        assertEquals(2 * cellWidth + 3 * ImageGrid.GAP, raster.getWidth());
        assertEquals(3 * cellHeight + 4 * ImageGrid.GAP, raster.getHeight(), "5 images in 2 columns take 3 rows");
        for (int i = 0; i < count; i++) {
            int left = ImageGrid.GAP + i % 2 * (cellWidth + ImageGrid.GAP);
            int top = ImageGrid.GAP + i / 2 * (cellHeight + ImageGrid.GAP);
            for (int y = 0; y < cellHeight; y++) {
                for (int x = 0; x < cellWidth; x++) {
                    double v = Math.max(-1, Math.min(1, pixels[(i * height + y / scale) * width + x / scale]));
                    assertEquals(Math.round(255 * (v + 1) / 2), raster.getSample(left + x, top + y, 0),
                            "image " + i + " at (" + y + ", " + x + ")");
                }
            }
        }
        int emptyLeft = ImageGrid.GAP + cellWidth + ImageGrid.GAP;
        int emptyTop = ImageGrid.GAP + 2 * (cellHeight + ImageGrid.GAP);
        assertEquals(ImageGrid.GAP_GRAY, raster.getSample(emptyLeft + cellWidth / 2, emptyTop + cellHeight / 2, 0),
                "the cell after the last image stays empty");
    }

    @Test
    void aStatedRangeMapsItsEndsToBlackAndWhite() throws IOException {
        double[] pixels = {0, 127.5, 255, 300};
        Path png = dir.resolve("bytes.png");

        ImageGrid.write(new GrayImages(pixels, 4, 1, 1, new PixelRange(0, 255)), 4, 1, png);

        Raster raster = read(png);
        int[] expected = {0, 128, 255, 255};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], raster.getSample(ImageGrid.GAP + i * (1 + ImageGrid.GAP), ImageGrid.GAP, 0));
        }
    }

    @Test
    void nearSquareLayouts() {
        assertEquals(8, ImageGrid.columnsFor(64));
        assertEquals(9, ImageGrid.columnsFor(65));
        assertEquals(4, ImageGrid.columnsFor(10));
        assertEquals(1, ImageGrid.columnsFor(1));
        assertThrows(KilnException.class, () -> ImageGrid.columnsFor(0));
    }

    @Test
    void mismatchedOrMalformedInputIsRefused() {
        KilnException length = assertThrows(KilnException.class,
                () -> GrayImages.of(new float[10], 2, 2, 2, PixelRange.TANH));
        assertTrue(length.getMessage().contains("10") && length.getMessage().contains("expected 8"),
                length.getMessage());
        KilnException row = assertThrows(KilnException.class,
                () -> GrayImages.ofRows(new double[][] {new double[4], new double[3]}, 2, 2, PixelRange.TANH));
        assertTrue(row.getMessage().startsWith("image 1 has 3"), row.getMessage());
        double[] withNaN = new double[8];
        withNaN[6] = Double.NaN;
        KilnException nan = assertThrows(KilnException.class,
                () -> new GrayImages(withNaN, 2, 2, 2, PixelRange.TANH));
        assertTrue(nan.getMessage().startsWith("pixel (1, 0) of image 1 is NaN"), nan.getMessage());
        assertThrows(KilnException.class, () -> new PixelRange(1, -1));
        GrayImages images = GrayImages.ofRows(new double[][] {{0, 0.5, 1, -1}}, 2, 2, PixelRange.TANH);
        assertEquals(1, images.pixel(0, 1, 0));
        assertThrows(KilnException.class, () -> ImageGrid.write(images, 0, 1, dir.resolve("x.png")));
        assertThrows(KilnException.class, () -> ImageGrid.write(images, 1, 0, dir.resolve("x.png")));
    }

    private static Raster read(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, image.getType(), "a gray PNG");
        return image.getData();
    }
}
