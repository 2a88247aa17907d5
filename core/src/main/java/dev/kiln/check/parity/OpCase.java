package dev.kiln.check.parity;

import dev.kiln.backend.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One op on one shape: its inputs, how to run it and how close two backends must agree.
 *
 * @param shape label of the shape and variant, e.g. "7x93x31,tA"
 * @param quick whether the case belongs to the quick subset
 * @param inputs the input buffers, drawn on the host and uploaded to both backends
 * @param tolerances how close the outputs must agree
 * @param execution how the op runs on a backend
 */
public record OpCase(String shape, boolean quick, List<Input> inputs, Tolerances tolerances, Execution execution) {
    public OpCase {
        inputs = List.copyOf(inputs);
    }

    /**
     * The host values of every input for this case under {@code seed}. They do not depend on which other cases
     * run; when either side is F32 they are rounded to float so that both sides see the same numbers.
     */
    public List<double[]> sample(String op, long seed, boolean roundToFloat) {
        long label = (op + "[" + shape + "]").hashCode();
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + label);
        List<double[]> values = new ArrayList<>();
        for (Input input : inputs) {
            double[] drawn = input.sampler().sample(random.split(), input.length());
            if (roundToFloat) {
                for (int i = 0; i < drawn.length; i++) {
                    drawn[i] = (float) drawn[i];
                }
            }
            values.add(drawn);
        }
        return values;
    }

    /** Whether inputs must be rounded to float for a comparison between these dtypes. */
    public static boolean roundsToFloat(DType reference, DType candidate) {
        return reference == DType.F32 || candidate == DType.F32;
    }
}
