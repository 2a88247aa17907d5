package dev.kiln.train;

import dev.kiln.KilnException;
import java.util.Arrays;

/**
 * How a fit on several devices divides each batch among them: in proportion to a weight per device, each slice
 * {@code floor(batch * weight / total)} samples and the samples left over going one each to the largest remainders
 * (the lower device first on a tie), so a split depends on the batch size and the weights alone. Samples keep
 * their order: device 0 takes the first slice of the batch, device 1 the next.
 */
public final class DeviceSplit {
    private final boolean measured;
    private final double[] weights;

    private DeviceSplit(boolean measured, double[] weights) {
        this.measured = measured;
        this.weights = weights;
    }

    /**
     * Equal slices at first, then, through the first epoch, slices in proportion to each device's measured speed
     * (samples per second of its forward and backward passes), kept for the rest of the fit. The default.
     */
    public static DeviceSplit measured() {
        return new DeviceSplit(true, new double[0]);
    }

    /** Equal slices throughout. */
    public static DeviceSplit equal() {
        return new DeviceSplit(false, new double[0]);
    }

    /** Slices in proportion to {@code weights}, one positive weight per device, throughout. */
    public static DeviceSplit fixed(double... weights) {
        if (weights.length == 0) {
            throw new KilnException("a fixed split needs one weight per device, got none");
        }
        for (double w : weights) {
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new KilnException("split weights must be positive and finite, got " + Arrays.toString(weights));
            }
        }
        return new DeviceSplit(false, weights.clone());
    }

    /** Whether the weights follow the devices' measured speed. */
    public boolean isMeasured() {
        return measured;
    }

    /** The number of weights given: those of a fixed split, else 0. */
    int weightCount() {
        return weights.length;
    }

    /** The weights of the first step on {@code devices} devices. */
    double[] initialWeights(int devices) {
        if (weights.length == 0) {
            double[] equal = new double[devices];
            Arrays.fill(equal, 1);
            return equal;
        }
        return weights.clone();
    }

    /**
     * The slice sizes of a batch of {@code batch} samples for {@code weights}: they add up to {@code batch}; a
     * device whose share rounds to nothing gets an empty slice and sits the step out.
     */
    public static int[] sizes(int batch, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        int[] sizes = new int[weights.length];
        double[] remainders = new double[weights.length];
        int given = 0;
        for (int i = 0; i < weights.length; i++) {
            double exact = batch * weights[i] / total;
            sizes[i] = (int) Math.floor(exact);
            remainders[i] = exact - sizes[i];
            given += sizes[i];
        }
        for (int left = batch - given; left > 0; left--) {
            int best = 0;
            for (int i = 1; i < weights.length; i++) {
                if (remainders[i] > remainders[best]) {
                    best = i;
                }
            }
            sizes[best]++;
            remainders[best] = -1;
        }
        return sizes;
    }

    @Override
    public String toString() {
        return measured ? "measured" : weights.length == 0 ? "equal" : "fixed " + Arrays.toString(weights);
    }
}
