package dev.kiln.check.parity;

import dev.kiln.backend.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Specs of {@code histogram}: counts must agree exactly, values on bin edges, on both ends of the range, outside it
 * and NaN included.
 */
final class HistogramSpecs {
    /** One element; short; a work-group; not a multiple of any vector width; many chunks of a device pass. */
    private static final int[] LENGTHS = {1, 7, 64, 4099, 100003};
    /** {low, high, bins}: edges exact in float; edges that are not; a single bin. */
    private static final double[][] RANGES = {{-1.5, 2.5, 8}, {-1, 2, 7}, {0.25, 0.75, 1}, {-3, 3, 30}};

    /**
     * Exact within one precision; between F32 and F64 a value on an edge that float cannot represent (the edges of
     * [-1, 2] in 7 bins) may land in the neighbouring bin, as each precision bins in its own arithmetic.
     */
    private static final Tolerances TOLERANCES = new Tolerances(Tolerance.EXACT, Tolerance.EXACT,
            new Tolerance(3, 0.25, "F32 against F64: an edge value float cannot represent may change bins"));

    private HistogramSpecs() {
    }

    static List<OpSpec> all() {
        List<OpCase> cases = new ArrayList<>();
        for (int length : LENGTHS) {
            for (double[] range : RANGES) {
                double low = range[0];
                double high = range[1];
                int bins = (int) range[2];
                cases.add(new OpCase(length + ",[" + low + "," + high + "]x" + bins, length == 64 && bins == 7,
                        List.of(new Input("x", length, withEdges(low, high, bins))), TOLERANCES,
                        (call, in) -> {
                            Buffer counts = call.allocateIndices(bins);
                            call.backend().histogram(in.get(0), low, high, bins, counts);
                            return List.of(call.output("counts", counts));
                        }));
            }
        }
        return List.of(new OpSpec("histogram", List.of(Coverage.of("histogram")), cases));
    }

    /**
     * Uniform values reaching a bin width beyond each end, with about one in sixteen replaced by a bin edge (low and
     * high included), NaN or an infinity.
     */
    private static Sampler withEdges(double low, double high, int bins) {
        double width = (high - low) / bins;
        Sampler uniform = InputRange.uniform(low - width, high + width);
        return (random, length) -> {
            double[] values = uniform.sample(random, length);
            for (int i = 0; i < length; i++) {
                if (random.nextInt(16) == 0) {
                    int pick = random.nextInt(bins + 4);
                    values[i] = pick <= bins ? low + pick * width
                            : pick == bins + 1 ? Double.NaN
                            : pick == bins + 2 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                }
            }
            return values;
        };
    }
}
