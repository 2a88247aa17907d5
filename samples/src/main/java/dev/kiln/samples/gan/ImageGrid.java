package dev.kiln.samples.gan;

import dev.kiln.KilnException;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A batch of grayscale images drawn as one PNG grid, left to right and top to bottom, each cell framed by a gray
 * gap: 64 generated digits of 28 x 28 become an 8 x 8 grid of 242 x 242 pixels.
 */
public final class ImageGrid {
    /** Pixels between neighbouring cells and around the grid. */
    public static final int GAP = 2;
    /** Gray level of the gaps and of unused cells: mid gray, apart from both black and white backgrounds. */
    public static final int GAP_GRAY = 128;

    private ImageGrid() {
    }

    /** Columns of the most nearly square grid for {@code count} images: ceil(sqrt(count)). */
    public static int columnsFor(int count) {
        if (count < 1) {
            throw new KilnException("a grid of " + count + " images has no layout; expected at least one image");
        }
        return (int) Math.ceil(Math.sqrt(count));
    }

    /** Writes {@code images} to {@code png} as a nearly square grid at their own size. */
    public static void write(GrayImages images, Path png) {
        write(images, columnsFor(images.count()), 1, png);
    }

    /**
     * Writes {@code images} to {@code png} in {@code columns} columns (a conditional generator's digits one per
     * column, say), each pixel drawn as a {@code scale} x {@code scale} square.
     */
    public static void write(GrayImages images, int columns, int scale, Path png) {
        if (columns < 1 || scale < 1) {
            throw new KilnException("an image grid of " + columns + " columns at scale " + scale + " cannot be drawn;"
                    + " expected at least 1 column and a scale of at least 1");
        }
        PngFile.write(render(images, columns, scale), png);
    }

    private static BufferedImage render(GrayImages images, int columns, int scale) {
        int cellWidth = Math.multiplyExact(images.width(), scale);
        int cellHeight = Math.multiplyExact(images.height(), scale);
        int rows = (images.count() + columns - 1) / columns;
        int width = Math.addExact(Math.multiplyExact(columns, cellWidth + GAP), GAP);
        int height = Math.addExact(Math.multiplyExact(rows, cellHeight + GAP), GAP);
        BufferedImage grid = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = grid.getRaster();
        int[] background = new int[width * height];
        Arrays.fill(background, GAP_GRAY);
        raster.setSamples(0, 0, width, height, 0, background);
        int[] cell = new int[cellWidth * cellHeight];
        for (int image = 0; image < images.count(); image++) {
            for (int y = 0; y < cellHeight; y++) {
                for (int x = 0; x < cellWidth; x++) {
                    cell[y * cellWidth + x] = images.range().gray(images.pixel(image, y / scale, x / scale));
                }
            }
            int left = GAP + image % columns * (cellWidth + GAP);
            int top = GAP + image / columns * (cellHeight + GAP);
            raster.setSamples(left, top, cellWidth, cellHeight, 0, cell);
        }
        return grid;
    }
}
