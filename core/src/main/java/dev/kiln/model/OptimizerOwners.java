package dev.kiln.model;

import dev.kiln.KilnException;
import dev.kiln.optim.Optimizer;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Which model each optimizer is compiled into: an optimizer keeps state per parameter (moments, step counts) and
 * frees it when its model closes, so it serves one model only.
 */
final class OptimizerOwners {
    // Weak both ways: an entry lasts no longer than its optimizer, and never keeps a model alive.
    private static final Map<Optimizer, WeakReference<Model>> OWNERS = new WeakHashMap<>();

    private OptimizerOwners() {
    }

    /** Records that {@code model} trains with {@code optimizer}; fails when another model already does. */
    static synchronized void claim(Optimizer optimizer, Model model) {
        WeakReference<Model> current = OWNERS.get(optimizer);
        Model owner = current == null ? null : current.get();
        if (owner != null && owner != model) {
            throw new KilnException("optimizer " + optimizer + " is already compiled into model '" + owner.name()
                    + "'; an optimizer keeps its state for one model, so create another optimizer for model '"
                    + model.name() + "'");
        }
        OWNERS.put(optimizer, new WeakReference<>(model));
    }

    /** Frees {@code optimizer} for another model (its model closed, or was compiled with another optimizer). */
    static synchronized void release(Optimizer optimizer) {
        OWNERS.remove(optimizer);
    }
}
