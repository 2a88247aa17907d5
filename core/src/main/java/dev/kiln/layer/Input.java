package dev.kiln.layer;

import dev.kiln.KilnException;
import dev.kiln.tensor.Shape;

/** Creates the symbolic inputs of a functional model, as Keras' {@code Input(shape, name)}. */
public final class Input {
    private Input() {
    }

    /** A model input taking samples of shape {@code sample} (no batch axis), named {@code name}. */
    public static SymbolicTensor of(String name, Shape sample) {
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new KilnException("an input name must be non-empty and must not contain '/', got '" + name + "'");
        }
        return new SymbolicTensor(sample, name, null, 0);
    }

    /** A model input taking samples of shape {@code dims}, named {@code name}. */
    public static SymbolicTensor of(String name, int... dims) {
        return of(name, Shape.of(dims));
    }
}
