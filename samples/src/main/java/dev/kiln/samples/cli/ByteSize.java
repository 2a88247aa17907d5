package dev.kiln.samples.cli;

import java.util.Locale;

/** A number of bytes for people: "1.5 GiB", "64.0 MiB". */
final class ByteSize {
    private ByteSize() {
    }

    static String of(long bytes) {
        return bytes >= 1L << 30
                ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
