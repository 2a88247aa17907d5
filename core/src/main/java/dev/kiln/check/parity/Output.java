package dev.kiln.check.parity;

/**
 * One result of a case, downloaded to the host.
 *
 * @param name what the op calls it ("out", "gradIn", "param", "state 1")
 * @param values the elements, widened to double
 */
public record Output(String name, double[] values) {
}
