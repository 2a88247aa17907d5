package dev.kiln.backend;

/**
 * Hyper-parameters of one fused optimizer update; see {@link UpdateRule} for the formulas.
 *
 * @param learningRate step size
 * @param beta1 momentum, Adam's first-moment decay, or RMSprop's rho
 * @param beta2 Adam's second-moment decay
 * @param epsilon added to the denominator of adaptive rules
 * @param weightDecay L2 penalty (decoupled for ADAMW)
 * @param step 1-based count of updates applied so far including this one (Adam's bias correction)
 */
public record UpdateParameters(
        double learningRate, double beta1, double beta2, double epsilon, double weightDecay, long step) {
}
