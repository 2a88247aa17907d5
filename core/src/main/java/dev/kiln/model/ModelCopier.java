package dev.kiln.model;

import dev.kiln.backend.Backend;

/**
 * Builds a model with the same layers, names and connections as a built one, on another backend, with fresh weights.
 * The io package provides it, since it owns the description a saved model holds; {@link Model#replicaOn} finds it
 * through {@link java.util.ServiceLoader}, so that this package does not depend on io.
 */
public interface ModelCopier {
    /** The copy of {@code model}'s architecture on {@code device}, not yet built. */
    Model copy(Model model, Backend device);
}
