package dev.kiln.check.parity;

/**
 * One input buffer of a case.
 *
 * @param name what the op calls it ("x", "gradOut", "logits")
 * @param length number of elements
 * @param sampler how its values are drawn
 */
public record Input(String name, int length, Sampler sampler) {
    public Input {
        if (length < 1) {
            throw new IllegalArgumentException("input '" + name + "' needs at least one element, got " + length);
        }
    }
}
