package dev.kiln.check.parity;

/**
 * One input buffer of a case.
 *
 * @param name what the op calls it ("x", "gradOut", "logits")
 * @param length number of elements
 * @param sampler how its values are drawn
 * @param indices whether the buffer is I32 (indices, whole numbers) whatever the dtype under test
 */
public record Input(String name, int length, Sampler sampler, boolean indices) {
    public Input {
        if (length < 1) {
            throw new IllegalArgumentException("input '" + name + "' needs at least one element, got " + length);
        }
    }

    /** An input of the dtype under test. */
    public Input(String name, int length, Sampler sampler) {
        this(name, length, sampler, false);
    }

    /** An I32 input of indices; its sampler must draw whole numbers of at most 2^24 in magnitude (exact in F32). */
    public static Input indices(String name, int length, Sampler sampler) {
        return new Input(name, length, sampler, true);
    }
}
