package dev.kiln.io;

import dev.kiln.backend.Backend;
import dev.kiln.model.Model;
import dev.kiln.model.ModelCopier;

/** Copies a model through the description a saved model holds: what can be saved can be copied. */
public final class DescriptionCopier implements ModelCopier {
    @Override
    public Model copy(Model model, Backend device) {
        return ModelDescription.of(model, null, null).newModel(device);
    }
}
