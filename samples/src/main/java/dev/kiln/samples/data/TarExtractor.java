package dev.kiln.samples.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Extracts chosen regular files from a gzip-compressed tar archive (the ustar layout npm writes): 512-byte headers,
 * each followed by the entry's data padded to 512 bytes.
 */
final class TarExtractor {
    private static final int BLOCK = 512;

    private TarExtractor() {
    }

    /**
     * Writes each entry whose path is a key of {@code wanted} to the path it maps to; returns how many were
     * written.
     */
    static int extract(Path archive, Map<String, Path> wanted) throws IOException {
        Map<String, Path> remaining = new HashMap<>(wanted);
        int written = 0;
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
            byte[] header = new byte[BLOCK];
            while (!remaining.isEmpty() && in.readNBytes(header, 0, BLOCK) == BLOCK && !isZero(header)) {
                String name = path(header);
                long size = size(header, archive);
                char type = (char) header[156];
                Path target = remaining.remove(name);
                if (target != null && (type == '0' || type == 0)) {
                    copy(in, size, target, archive, name);
                    written++;
                } else {
                    skip(in, size, archive);
                }
                skip(in, (BLOCK - size % BLOCK) % BLOCK, archive);
            }
        }
        return written;
    }

    private static String path(byte[] header) {
        String name = text(header, 0, 100);
        String prefix = text(header, 345, 155);
        boolean ustar = text(header, 257, 6).startsWith("ustar");
        return ustar && !prefix.isEmpty() ? prefix + "/" + name : name;
    }

    private static long size(byte[] header, Path archive) throws IOException {
        String octal = text(header, 124, 12).trim();
        try {
            return octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
        } catch (NumberFormatException e) {
            throw new IOException(archive + ": tar entry size '" + octal + "' is not an octal number");
        }
    }

    private static String text(byte[] header, int from, int length) {
        int end = from;
        while (end < from + length && header[end] != 0) {
            end++;
        }
        return new String(header, from, end - from, StandardCharsets.US_ASCII);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static void copy(InputStream in, long size, Path target, Path archive, String name) throws IOException {
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(target)) {
            long left = size;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException(archive + ": ends inside entry " + name);
                }
                out.write(buffer, 0, n);
                left -= n;
            }
        }
    }

    private static void skip(InputStream in, long count, Path archive) throws IOException {
        long left = count;
        while (left > 0) {
            long n = in.skip(left);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new EOFException(archive + ": ends inside an entry");
                }
                n = 1;
            }
            left -= n;
        }
    }
}
