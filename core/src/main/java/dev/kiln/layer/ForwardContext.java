package dev.kiln.layer;

import dev.kiln.init.Seeds;
import java.util.Objects;

/**
 * What one forward pass tells every layer it runs: whether it is training (dropout active, batch statistics
 * used and updated) or inferring, and the random stream of this step. A layer's random seed depends only on the
 * model seed, the step and the layer's path in the model, so a seed and step draw the same dropout mask on every
 * backend, and a resumed run draws the masks an uninterrupted one would.
 *
 * @param training whether layers behave as in training
 * @param seed the model's random seed
 * @param step the global training step (0 in inference)
 * @param path where in the model the current layer call is ("generator/dropout_1", "dense_1#1" for a second call)
 */
public record ForwardContext(boolean training, long seed, long step, String path) {
    private static final ForwardContext INFERENCE = new ForwardContext(false, 0, 0, "");

    public ForwardContext {
        Objects.requireNonNull(path, "path");
    }

    /** Inference: no dropout, running statistics. */
    public static ForwardContext inference() {
        return INFERENCE;
    }

    /** Training step {@code step} of a model seeded with {@code seed}. */
    public static ForwardContext training(long seed, long step) {
        return new ForwardContext(true, seed, step, "");
    }

    /** The context of the {@code call}-th call (from 0) of the layer named {@code layer} inside the current one. */
    public ForwardContext enter(String layer, int call) {
        String here = call == 0 ? layer : layer + "#" + call;
        return new ForwardContext(training, seed, step, path.isEmpty() ? here : path + "/" + here);
    }

    /** The seed of the random numbers the current layer call draws in this step. */
    public long randomSeed() {
        long h = Seeds.mix(seed + step * 0x9E3779B97F4A7C15L);
        for (int i = 0; i < path.length(); i++) {
            h = Seeds.mix(h + path.charAt(i));
        }
        return h;
    }
}
