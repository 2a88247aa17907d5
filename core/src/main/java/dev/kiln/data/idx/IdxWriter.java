package dev.kiln.data.idx;

import dev.kiln.KilnException;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files, gzip-compressed when the name ends in {@code .gz}. */
public final class IdxWriter {
    private IdxWriter() {
    }

    /** Writes {@code array} to {@code file}, replacing it. */
    public static void write(IdxArray array, Path file) {
        boolean gzip = file.getFileName().toString().endsWith(".gz");
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file));
             DataOutputStream out = new DataOutputStream(gzip ? new GZIPOutputStream(raw) : raw)) {
            IdxHeader header = array.header();
            out.writeShort(0);
            out.writeByte(header.type().code());
            int[] dimensions = header.dimensions();
            out.writeByte(dimensions.length);
            for (int d : dimensions) {
                out.writeInt(d);
            }
            out.write(array.payload());
        } catch (IOException e) {
            throw new KilnException("cannot write IDX file " + file + " (" + e + ")", e);
        }
    }
}
