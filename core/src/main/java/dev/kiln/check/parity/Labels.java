package dev.kiln.check.parity;

import java.util.Locale;

/** Report names of ops and shapes. */
final class Labels {
    private Labels() {
    }

    /** "leaky_relu" for {@code UnaryOp.LEAKY_RELU}. */
    static String name(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** "7x93x31" for dims 7, 93, 31. */
    static String shape(int... dims) {
        StringBuilder label = new StringBuilder();
        for (int dim : dims) {
            label.append(label.length() == 0 ? "" : "x").append(dim);
        }
        return label.toString();
    }
}
