package dev.kiln.check.parity;

import java.util.Locale;

/**
 * How far a backend's result may lie from the reference: an element passes when |actual - expected| &lt;=
 * {@code absolute} or |actual - expected| / max(|actual|, |expected|) &lt;= {@code relative}.
 *
 * @param absolute margin that decides near zero, where relative error means nothing
 * @param relative margin that decides elsewhere
 * @param reason why the margins are what they are
 */
public record Tolerance(double absolute, double relative, String reason) {
    /** Bit-for-bit equality (NaN still equals NaN). */
    public static final Tolerance EXACT = new Tolerance(0, 0, "exact: data movement, selection or integer results");

    public Tolerance {
        if (!(absolute >= 0) || !(relative >= 0)) {
            throw new IllegalArgumentException("tolerance margins must be non-negative: " + absolute + ", " + relative);
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a tolerance needs its reason");
        }
    }

    /** Short form for tables, e.g. "abs 1e-06 rel 1e-05". */
    public String describe() {
        return absolute == 0 && relative == 0 ? "exact"
                : String.format(Locale.ROOT, "abs %.0e rel %.0e", absolute, relative);
    }
}
