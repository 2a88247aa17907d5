package dev.kiln.train;

import java.util.List;

/**
 * How the devices of a fit on several devices shared the steps of its latest epoch.
 *
 * @param devices each device, "name (backend)", the model's own first
 * @param weights the split weights the epoch ended with, one per device (measured speeds, or the fixed weights)
 * @param steps the epoch's training steps
 * @param stepSeconds the time of those steps, in all
 * @param exchangeSeconds the part of it spent moving weights and gradients through the host and summing them
 */
public record DeviceReport(List<String> devices, List<Double> weights, int steps, double stepSeconds,
                           double exchangeSeconds) {
    public DeviceReport {
        devices = List.copyOf(devices);
        weights = List.copyOf(weights);
    }

    /** The share of a step spent exchanging weights and gradients, in [0, 1]. */
    public double exchangeShare() {
        return stepSeconds > 0 ? exchangeSeconds / stepSeconds : 0;
    }
}
