package dev.kiln.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** File names and versions of Kiln's saved models and checkpoints. */
public final class ModelFormat {
    /** Version of the {@code model.json} and {@code training.json} layouts; readers reject newer ones. */
    public static final int FORMAT_VERSION = 1;
    /**
     * Version of a {@code model.json} that records its target scaling: readers of version 1 refuse it rather than
     * read its outputs in the wrong units.
     */
    public static final int TARGET_SCALING_VERSION = 2;
    /**
     * Version of a {@code model.json} that holds what versions 1 and 2 cannot: a functional graph, a nested model,
     * a merge layer, or a loss on logits or summed over the batch. Sequential models without these stay 1 or 2.
     */
    public static final int GRAPH_VERSION = 3;
    public static final String MODEL_FILE = "model.json";
    public static final String WEIGHTS_FILE = "weights.safetensors";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String TRAINING_FILE = "training.json";
    public static final String CALLBACKS_FILE = "callbacks.safetensors";

    private static final String VERSION = readVersion();

    private ModelFormat() {
    }

    /** The Kiln version written into saved files, or "unknown" when the build did not record it. */
    public static String kilnVersion() {
        return VERSION;
    }

    private static String readVersion() {
        try (InputStream in = ModelFormat.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
