package dev.kiln.samples.gan;

import dev.kiln.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes an image as a PNG file atomically: a reader sees the old file or the whole new one. */
final class PngFile {
    private PngFile() {
    }

    static void write(BufferedImage image, Path png) {
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer for an image of type " + image.getType());
            }
        });
    }
}
